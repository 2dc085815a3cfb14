package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fstore-sql README (seed 000), sections 1 to 6a, verbatim: the streaming half of the SQL API keeps its contract. */
class SeedReadmeStreamingSqlRunsUnchangedIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

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
            from register_view('view1', '2023-01-28 12:17:17.078384', 300, 1, 'https://localhost:3000/functions/v1/event-handler');

            SELECT *
            from append_event('event1', 'f7c370aa-9d65-11ed-a8fc-0242ac120002', 'decider1', '2ac37f68-9d66-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', null, 1);
            SELECT *
            from append_event('event2', '42ee177e-9d66-11ed-a8fc-0242ac120002', 'decider1', '2ac37f68-9d66-11ed-a8fc-0242ac120002',
                              '{}', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'f7c370aa-9d65-11ed-a8fc-0242ac120002', 1);

            -- Get first 100 events\s
            SELECT * from stream_events('view1', 100);

            SELECT * from ack_event('view1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', 1);

            -- ACK other 99 events, and call `stream_events` again to get the next 100 events.
            -- If you do not ACK the events in 300 seconds as configured on the `view` table, they will be processed again on the next call to `stream_events`.
            """;

    @Test
    void the_readme_streaming_examples_run_unchanged_and_give_what_the_readme_says() throws Exception {
        List<List<Map<String, Object>>> results = ReadmeSql.run(db.dataSource(), EXAMPLES);
        assertThat(results).hasSize(10);

        Map<String, Object> view = results.get(5).getFirst();
        assertThat(view.get("view")).isEqualTo("view1");
        assertThat(view.get("lock_timeout_s")).isEqualTo(300L);
        assertThat(view.get("pooling_delay_s")).isEqualTo(1L);

        // one event per partition (stream), oldest first
        List<Map<String, Object>> streamed = results.get(8);
        assertThat(streamed).extracting(r -> r.get("offset")).containsExactly(1L, 3L);
        assertThat(streamed)
                .extracting(r -> r.get("decider_id"))
                .containsExactly("f156a3c4-9bd8-11ed-a8fc-0242ac120002", "2ac37f68-9d66-11ed-a8fc-0242ac120002");

        Map<String, Object> acked = results.get(9).getFirst();
        assertThat(acked.get("position")).isEqualTo(1L);

        // after the ack, the acknowledged stream delivers its next event; the other one is still leased
        List<List<Map<String, Object>>> next =
                ReadmeSql.run(db.dataSource(), "SELECT * from stream_events('view1', 100);");
        assertThat(next.getFirst()).extracting(r -> r.get("offset")).containsExactly(2L);
    }
}
