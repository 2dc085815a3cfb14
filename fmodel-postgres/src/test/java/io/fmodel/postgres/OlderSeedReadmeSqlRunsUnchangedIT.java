package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The event-sourcing examples of the older fstore-sql README (seed 001), verbatim: two-argument
 * {@code register_decider_event}, seven-argument {@code append_event}, one-argument {@code get_events}.
 */
class OlderSeedReadmeSqlRunsUnchangedIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    // Steps 1, 2, 3 and 5 of the README, copied unchanged (4 and 6 are event streaming: sql/002).
    private static final String EXAMPLES = """
            SELECT *
            from register_decider_event('decider1', 'event1');
            SELECT *
            from register_decider_event('decider1', 'event2');

            SELECT *
            from append_event('event1', '21e19516-9bda-11ed-a8fc-0242ac120002', 'decider1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', null);
            SELECT *
            from append_event('event2', 'eb411c34-9d64-11ed-a8fc-0242ac120002', 'decider1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', '21e19516-9bda-11ed-a8fc-0242ac120002');

            SELECT *
            from get_events('f156a3c4-9bd8-11ed-a8fc-0242ac120002');

            SELECT *
            from append_event('event1', 'f7c370aa-9d65-11ed-a8fc-0242ac120002', 'decider1', '2ac37f68-9d66-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', null);
            SELECT *
            from append_event('event2', '42ee177e-9d66-11ed-a8fc-0242ac120002', 'decider1', '2ac37f68-9d66-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'f7c370aa-9d65-11ed-a8fc-0242ac120002');
            """;

    @Test
    void the_older_readme_examples_run_unchanged_too() throws Exception {
        List<List<Map<String, Object>>> results = ReadmeSql.run(db.dataSource(), EXAMPLES);

        assertThat(results).hasSize(7).allSatisfy(rows -> assertThat(rows).isNotEmpty());
        assertThat(results.get(4)).extracting(row -> row.get("event")).containsExactly("event1", "event2");
        assertThat(results.get(4))
                .extracting(row -> row.get("decider_id"))
                .containsOnly("f156a3c4-9bd8-11ed-a8fc-0242ac120002");
    }

    @Test
    void installing_the_schema_again_applies_nothing_and_keeps_the_events() throws Exception {
        assertThat(SchemaInstaller.install(db.dataSource())).isEmpty();
        assertThat(ReadmeSql.run(db.dataSource(), "SELECT * FROM schema_version")
                        .getFirst())
                .extracting(row -> row.get("file"))
                .containsExactlyElementsOf(SchemaInstaller.FILES);
    }
}
