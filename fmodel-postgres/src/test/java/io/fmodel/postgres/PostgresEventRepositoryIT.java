package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.Appended;
import io.fmodel.core.application.ConcurrencyConflictException;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.Counter.Closed;
import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresEventRepositoryIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static PostgresEventRepository<Increment, CounterEvent> repository;

    @BeforeAll
    static void createRepository() {
        repository = PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
    }

    @Test
    void appended_events_are_fetched_back_in_order_with_the_last_event_id_as_version() {
        var command = new Increment("round-trip", 1);
        var first = repository.append(command, UUID.randomUUID(), List.of(new Incremented("round-trip", 1)), null);
        var next = repository.append(
                command,
                UUID.randomUUID(),
                List.of(new Incremented("round-trip", 2), new Closed("round-trip", "done")),
                first.stored().getLast().version());

        List<StoredEvent<CounterEvent, UUID>> fetched = repository.fetch(command);

        assertThat(fetched).hasSize(3);
        assertThat(first).isInstanceOf(Appended.Written.class);
        assertThat(fetched.subList(0, 1)).isEqualTo(first.stored());
        assertThat(fetched.subList(1, 3)).isEqualTo(next.stored());
        assertThat(fetched)
                .extracting(StoredEvent::event)
                .containsExactly(
                        new Incremented("round-trip", 1),
                        new Incremented("round-trip", 2),
                        new Closed("round-trip", "done"));
    }

    @Test
    void a_stream_is_read_by_its_id_without_a_command() {
        var command = new Increment("by-id", 1);
        var first = repository.append(command, UUID.randomUUID(), List.of(new Incremented("by-id", 1)), null);
        repository.append(
                command,
                UUID.randomUUID(),
                List.of(new Incremented("by-id", 2)),
                first.stored().getLast().version());

        assertThat(repository.read("by-id")).isEqualTo(repository.fetch(command));
        assertThat(repository.read("by-id"))
                .extracting(StoredEvent::event)
                .containsExactly(new Incremented("by-id", 1), new Incremented("by-id", 2));
        assertThat(repository.read("no-such-stream")).isEmpty();
        assertThatThrownBy(() -> repository.read("")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> repository.read(null)).isInstanceOf(MissingValueException.class);
    }

    @Test
    void decisions_of_any_size_are_appended_in_order_and_replayed_whole() {
        // up to 8 events one bind value per element, above that array parameters: both paths, both edges
        var command = new Increment("sizes", 1);
        UUID version = null;
        List<CounterEvent> all = new ArrayList<>();
        for (int size : new int[] {1, 2, 8, 9, 20}) {
            List<CounterEvent> decision = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                decision.add(new Incremented("sizes", all.size() + i));
            }
            UUID commandId = UUID.randomUUID();
            var stored = repository.append(command, commandId, decision, version);
            assertThat(stored).isInstanceOf(Appended.Written.class);
            assertThat(stored.events()).containsExactlyElementsOf(decision);
            // sent again: nothing appended, the same events back, as a replay
            assertThat(repository.append(command, commandId, decision, version))
                    .isEqualTo(new Appended.Replayed<>(stored.stored()));
            version = stored.stored().getLast().version();
            all.addAll(decision);
        }
        assertThat(repository.fetch(command)).extracting(StoredEvent::event).containsExactlyElementsOf(all);
    }

    @Test
    void registering_the_event_types_again_is_harmless() {
        var again = PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
        assertThat(again.fetch(new Increment("nothing-here", 1))).isEmpty();
    }

    @Test
    void appending_after_a_stale_version_is_a_conflict_and_writes_nothing() {
        var command = new Increment("stale", 1);
        var v1 = repository.append(command, UUID.randomUUID(), List.of(new Incremented("stale", 1)), null);
        repository.append(
                command,
                UUID.randomUUID(),
                List.of(new Incremented("stale", 1)),
                v1.stored().getLast().version());

        assertThatThrownBy(() -> repository.append(
                        command,
                        UUID.randomUUID(),
                        List.of(new Incremented("stale", 5)),
                        v1.stored().getLast().version()))
                .isInstanceOf(ConcurrencyConflictException.class)
                .satisfies(e ->
                        assertThat(((ConcurrencyConflictException) e).stream()).isEqualTo("counter/stale"));
        assertThatThrownBy(
                        () -> repository.append(command, UUID.randomUUID(), List.of(new Incremented("stale", 5)), null))
                .isInstanceOf(ConcurrencyConflictException.class);
        assertThat(repository.fetch(command)).hasSize(2);
    }

    @Test
    void of_many_concurrent_first_appends_exactly_one_wins_and_the_others_conflict() throws Exception {
        int writers = 8;
        var barrier = new CyclicBarrier(writers);
        var command = new Increment("first-race", 1);
        List<Future<String>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                outcomes.add(pool.submit(() -> {
                    barrier.await();
                    try {
                        repository.append(command, UUID.randomUUID(), List.of(new Incremented("first-race", 1)), null);
                        return "won";
                    } catch (ConcurrencyConflictException e) {
                        return "conflict";
                    }
                }));
            }
        }
        List<String> results = new ArrayList<>();
        for (Future<String> outcome : outcomes) {
            results.add(outcome.get());
        }
        assertThat(results).containsOnlyOnce("won").containsOnly("won", "conflict");
        assertThat(repository.fetch(command)).hasSize(1);
    }

    @Test
    void a_command_sent_again_returns_what_it_produced_the_first_time_and_appends_nothing() {
        var command = new Increment("idempotent", 1);
        UUID commandId = UUID.randomUUID();
        var events = List.<CounterEvent>of(new Incremented("idempotent", 1), new Incremented("idempotent", 2));
        var first = repository.append(command, commandId, events, null);

        var again = repository.append(command, commandId, events, null);
        var afterOthers = repository.append(
                command,
                UUID.randomUUID(),
                List.of(new Incremented("idempotent", 3)),
                first.stored().getLast().version());
        var stillTheSame = repository.append(
                command, commandId, events, afterOthers.stored().getLast().version());

        assertThat(first).isInstanceOf(Appended.Written.class);
        assertThat(again).isEqualTo(new Appended.Replayed<>(first.stored()));
        assertThat(stillTheSame).isEqualTo(new Appended.Replayed<>(first.stored()));
        assertThat(repository.fetch(command)).hasSize(3);
    }

    @Test
    void an_event_class_missing_from_the_event_types_is_rejected_before_any_io() {
        var onlyIncrements = EventTypes.of(Counter.DECIDER, AnyEvent.class).with(Known.class, "Known", 1);
        var partial = PostgresEventStore.of(db.dataSource()).repository(onlyIncrements, (Increment c) -> c.counterId());

        assertThatThrownBy(() -> partial.append(
                        new Increment("partial", 1), UUID.randomUUID(), List.of(new Known(1), new Unknown(2)), null))
                .isInstanceOf(UnregisteredEventTypeException.class)
                .hasMessageContaining(Unknown.class.getName());
        assertThat(partial.fetch(new Increment("partial", 1))).isEmpty();
    }

    @Test
    void a_stored_event_that_does_not_fit_its_class_is_a_decoding_error_naming_stream_offset_and_type()
            throws SQLException {
        execute("SELECT * FROM append_event('Incremented', gen_random_uuid(), 'counter', 'malformed',"
                + " '{\"counterId\": \"malformed\", \"amount\": \"not a number\"}', gen_random_uuid(), null)");
        long offset = offsetOfLast("malformed");

        assertThatThrownBy(() -> repository.fetch(new Increment("malformed", 1)))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> {
                    assertThat(e.stream()).isEqualTo("counter/malformed");
                    assertThat(e.offset()).isEqualTo(offset);
                    assertThat(e.eventType()).isEqualTo("Incremented");
                    assertThat(e.getMessage())
                            .contains("counter/malformed")
                            .contains("offset " + offset)
                            .contains("Incremented");
                });
    }

    @Test
    void a_stored_event_type_unknown_to_the_event_types_is_a_decoding_error() throws SQLException {
        execute("SELECT * FROM register_decider_event('counter', 'Legacy', 'from an older release', 1)");
        execute("SELECT * FROM append_event('Legacy', gen_random_uuid(), 'counter', 'legacy', '{}',"
                + " gen_random_uuid(), null)");

        assertThatThrownBy(() -> repository.fetch(new Increment("legacy", 1)))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> {
                    assertThat(e.eventType()).isEqualTo("Legacy");
                    assertThat(e.offset()).isEqualTo(offsetOfLastUnchecked("legacy"));
                    assertThat(e.getMessage()).contains("no class is registered");
                });
    }

    @Test
    void appending_to_a_final_stream_is_rejected_and_writes_nothing() throws SQLException {
        execute("SELECT * FROM append_event('Closed', gen_random_uuid(), 'counter', 'final',"
                + " '{\"counterId\": \"final\", \"reason\": \"end\"}', gen_random_uuid(), null, 1, true)");
        var command = new Increment("final", 1);
        UUID last = repository.fetch(command).getLast().version();

        assertThatThrownBy(
                        () -> repository.append(command, UUID.randomUUID(), List.of(new Incremented("final", 1)), last))
                .isInstanceOfSatisfying(FinalStreamException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("ES004");
                    assertThat(e.stream()).isEqualTo("counter/final");
                });
        assertThat(repository.fetch(command)).hasSize(1);
    }

    @Test
    void a_repository_closing_with_an_event_makes_the_stream_final() {
        var closing = repository.closingWith(e -> e instanceof Closed);
        var command = new Increment("closing", 1);
        var stored = closing.append(
                command,
                UUID.randomUUID(),
                List.of(new Incremented("closing", 1), new Closed("closing", "end of season")),
                null);

        assertThatThrownBy(() -> closing.append(
                        command,
                        UUID.randomUUID(),
                        List.of(new Incremented("closing", 1)),
                        stored.stored().getLast().version()))
                .isInstanceOf(FinalStreamException.class);
        assertThatThrownBy(() -> closing.append(
                        new Increment("closing-early", 1),
                        UUID.randomUUID(),
                        List.of(new Closed("closing-early", "x"), new Incremented("closing-early", 1)),
                        null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(closing.fetch(command)).hasSize(2);
        assertThat(closing.fetch(new Increment("closing-early", 1))).isEmpty();
    }

    @Test
    void nulls_where_values_are_required_are_typed_errors_and_write_nothing() {
        var command = new Increment("nulls", 1);
        List<CounterEvent> withNull = Arrays.asList(new Incremented("nulls", 1), null);

        assertThatThrownBy(() -> repository.append(command, nullUuid(), List.of(new Incremented("nulls", 1)), null))
                .isInstanceOf(MissingValueException.class);
        assertThatThrownBy(() -> repository.append(command, UUID.randomUUID(), withNull, null))
                .isInstanceOf(MissingValueException.class);
        assertThatThrownBy(() -> repository.append(
                        new Increment(nullString(), 1), UUID.randomUUID(), List.of(new Incremented("nulls", 1)), null))
                .isInstanceOf(MissingValueException.class);
        assertThat(repository.fetch(command)).isEmpty();
    }

    // ---- helpers

    interface AnyEvent {}

    record Known(int n) implements AnyEvent {}

    record Unknown(int n) implements AnyEvent {}

    @SuppressWarnings("NullAway")
    private static UUID nullUuid() {
        return null;
    }

    @SuppressWarnings("NullAway")
    private static String nullString() {
        return null;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long offsetOfLast(String stream) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"offset\" FROM get_last_event('" + stream + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long offsetOfLastUnchecked(String stream) {
        try {
            return offsetOfLast(stream);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
