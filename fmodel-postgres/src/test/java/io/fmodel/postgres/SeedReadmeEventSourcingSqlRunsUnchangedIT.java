package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The event-sourcing examples of the fstore-sql README (seed 000), verbatim: our SQL API keeps that contract. */
class SeedReadmeEventSourcingSqlRunsUnchangedIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    // Steps 1, 2, 3 and 5 of the README, copied unchanged (4 and 6 are event streaming: sql/002).
    private static final String EXAMPLES = """
            SELECT *
            from register_decider_event('decider1', 'event1', 'description1', 1);
            SELECT *
            from register_decider_event('decider1', 'event2', 'description2', 1);

            SELECT *
            from append_event('event1', '21e19516-9bda-11ed-a8fc-0242ac120002', 'decider1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', null, 1);
            SELECT *
            from append_event('event2', 'eb411c34-9d64-11ed-a8fc-0242ac120002', 'decider1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', '21e19516-9bda-11ed-a8fc-0242ac120002', 1);

            SELECT *
            from get_events('f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1');

            SELECT *
            from append_event('event1', 'f7c370aa-9d65-11ed-a8fc-0242ac120002', 'decider1', '2ac37f68-9d66-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', null, 1);
            SELECT *
            from append_event('event2', '42ee177e-9d66-11ed-a8fc-0242ac120002', 'decider1', '2ac37f68-9d66-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'f7c370aa-9d65-11ed-a8fc-0242ac120002', 1);
            """;

    @Test
    void the_readme_examples_run_unchanged_and_give_what_the_readme_says() throws Exception {
        List<List<Map<String, Object>>> results = ReadmeSql.run(db.dataSource(), EXAMPLES);

        assertThat(results).hasSize(7).allSatisfy(rows -> assertThat(rows).isNotEmpty());
        assertThat(results.get(0).getFirst())
                .containsEntry("decider", "decider1")
                .containsEntry("event", "event1");
        List<Map<String, Object>> events = results.get(4);
        assertThat(events).extracting(row -> row.get("event")).containsExactly("event1", "event2");
        assertThat(events)
                .extracting(row -> String.valueOf(row.get("event_id")))
                .containsExactly("21e19516-9bda-11ed-a8fc-0242ac120002", "eb411c34-9d64-11ed-a8fc-0242ac120002");
        assertThat(String.valueOf(events.get(1).get("previous_id"))).isEqualTo("21e19516-9bda-11ed-a8fc-0242ac120002");
        assertThat(String.valueOf(results.get(6).getFirst().get("event_id")))
                .isEqualTo("42ee177e-9d66-11ed-a8fc-0242ac120002");
    }
}
