package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Decider;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every value the Java API sends reaches PostgreSQL as a bind value: names shaped like SQL injection are stored and read
 * back as plain data, and the tables they aim at are still there.
 */
class InjectionIT {

    private static final String DECIDER = "x'); DROP TABLE events; --";
    private static final String EVENT = "Incremented\"; DELETE FROM deciders; --";
    private static final String VIEW = "v'); DROP TABLE view_positions; --";
    private static final List<String> STREAMS = List.of(
            "1' OR '1'='1",
            "'; TRUNCATE streams; --",
            "$$; DROP SCHEMA public CASCADE; $$",
            "\\'; SELECT pg_sleep(10); --",
            "x\"); DROP TABLE deciders; --",
            "ünïcødé 🎯 '||'");

    @RegisterExtension
    static final TestDatabase database = new TestDatabase();

    private static final Decider<Increment, Integer, CounterEvent> COUNTER =
            Decider.<Increment, Integer, CounterEvent>of(
                    0,
                    (command, total) -> List.of(new Incremented(command.counterId(), command.amount())),
                    (total, event) -> event instanceof Incremented i ? total + i.amount() : total);

    @Test
    void injection_shaped_decider_event_stream_and_view_names_are_stored_and_read_back_as_data() throws Exception {
        EventTypes<CounterEvent> types =
                EventTypes.of(DECIDER, CounterEvent.class).with(Incremented.class, EVENT, 1);
        var repository = PostgresEventStore.of(database.dataSource()).repository(types, Increment::counterId);
        var aggregate = EventSourcingAggregate.of(COUNTER, repository);
        for (String stream : STREAMS) {
            aggregate.handle(new Increment(stream, 1));
            aggregate.handle(new Increment(stream, 2));
        }

        for (String stream : STREAMS) {
            assertThat(repository.fetch(new Increment(stream, 0)))
                    .extracting(StoredEvent::event)
                    .containsExactly(new Incremented(stream, 1), new Incremented(stream, 2));
        }
        assertThat(column("SELECT DISTINCT decider FROM events")).containsExactly(DECIDER);
        assertThat(column("SELECT DISTINCT event FROM events")).containsExactly(EVENT);
        assertThat(column("SELECT DISTINCT decider_id FROM events ORDER BY decider_id"))
                .containsExactlyInAnyOrderElementsOf(STREAMS);

        List<CounterEvent> seen = Collections.synchronizedList(new ArrayList<>());
        try (ViewProcessor processor = PostgresEventStore.of(database.dataSource())
                .startAtLeastOnce(
                        VIEW,
                        types,
                        seen::add,
                        StreamingOptions.defaults().withStartAt(StreamingOptions.FROM_THE_BEGINNING))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (processor.lag() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(processor.lag()).isZero();
        }
        assertThat(seen).hasSize(2 * STREAMS.size());
        assertThat(column("SELECT view FROM views")).containsExactly(VIEW);
        assertThat(column("SELECT DISTINCT view FROM view_positions")).containsExactly(VIEW);

        assertThat(column("SELECT to_regclass(t)::text FROM unnest(ARRAY['events', 'deciders', 'views',"
                        + " 'view_positions']) t"))
                .containsExactly("events", "deciders", "views", "view_positions");
        assertThat(column("SELECT count(*)::text FROM events")).containsExactly(String.valueOf(2 * STREAMS.size()));
    }

    private static List<String> column(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
