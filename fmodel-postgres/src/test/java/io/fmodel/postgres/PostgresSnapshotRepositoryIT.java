package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.Snapshot;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The snapshots of sql/003_snapshots.sql through {@link PostgresSnapshotRepository}, and {@code fetchAfter}. */
class PostgresSnapshotRepositoryIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    record Total(int value, int events) {}

    private final PostgresEventRepository<Increment, CounterEvent> events =
            PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);

    private PostgresSnapshotRepository<Increment, Total> snapshots(String revision) {
        return PostgresEventStore.of(db.dataSource()).snapshots(events, Total.class, revision);
    }

    /** Appends one event per command id given, in order; returns the stored events. */
    private List<StoredEvent<CounterEvent, UUID>> append(String stream, UUID... commandIds) {
        List<StoredEvent<CounterEvent, UUID>> stored = new ArrayList<>();
        for (UUID commandId : commandIds) {
            List<StoredEvent<CounterEvent, UUID>> history = events.fetch(new Increment(stream, 1));
            @Nullable UUID last = history.isEmpty() ? null : history.getLast().version();
            stored.addAll(events.append(
                            new Increment(stream, 1),
                            commandId,
                            List.of(new Incremented(stream, stored.size() + 1)),
                            last)
                    .stored());
        }
        return stored;
    }

    private static UUID[] ids(int n) {
        UUID[] ids = new UUID[n];
        for (int i = 0; i < n; i++) {
            ids[i] = UUID.randomUUID();
        }
        return ids;
    }

    @Test
    void a_saved_snapshot_is_loaded_as_it_was_saved() {
        var stored = append("round-trip", ids(3));
        var snapshots = snapshots("v1");
        Increment command = new Increment("round-trip", 1);
        assertThat(snapshots.load(command)).isEmpty();
        snapshots.save(command, new Snapshot<>(new Total(3, 3), stored.get(2).version()));
        assertThat(snapshots.load(command))
                .contains(new Snapshot<>(new Total(3, 3), stored.get(2).version()));
        assertThat(snapshots.load(new Increment("other", 1))).isEmpty();
    }

    @Test
    void a_snapshot_only_moves_forward() {
        var stored = append("forward", ids(3));
        var snapshots = snapshots("v1");
        Increment command = new Increment("forward", 1);
        snapshots.save(command, new Snapshot<>(new Total(2, 2), stored.get(1).version()));
        snapshots.save(command, new Snapshot<>(new Total(1, 1), stored.get(0).version()));
        assertThat(snapshots.load(command))
                .contains(new Snapshot<>(new Total(2, 2), stored.get(1).version()));
        snapshots.save(command, new Snapshot<>(new Total(3, 3), stored.get(2).version()));
        assertThat(snapshots.load(command))
                .contains(new Snapshot<>(new Total(3, 3), stored.get(2).version()));
    }

    @Test
    void a_snapshot_of_another_revision_is_not_loaded() {
        var stored = append("revision", ids(2));
        Increment command = new Increment("revision", 1);
        snapshots("v1")
                .save(command, new Snapshot<>(new Total(2, 2), stored.get(1).version()));
        assertThat(snapshots("v2").load(command)).isEmpty();
        // the new revision replaces the old one at the same event, and then the old revision is gone
        snapshots("v2")
                .save(command, new Snapshot<>(new Total(2, 2), stored.get(1).version()));
        assertThat(snapshots("v2").load(command)).isPresent();
        assertThat(snapshots("v1").load(command)).isEmpty();
    }

    @Test
    void a_snapshot_whose_json_no_longer_fits_the_state_class_is_ignored_and_logged() throws SQLException {
        var stored = append("corrupt", ids(1));
        Increment command = new Increment("corrupt", 1);
        var snapshots = snapshots("v1");
        snapshots.save(
                command, new Snapshot<>(new Total(1, 1), stored.getFirst().version()));
        for (String json : List.of("{\"value\": \"not a number\", \"events\": 1}", "null", "[1, 2]")) {
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement s =
                            c.prepareStatement("UPDATE snapshots SET state = ?::jsonb WHERE decider_id = 'corrupt'")) {
                s.setString(1, json);
                assertThat(s.executeUpdate()).isOne();
            }
            String logged = stderrOf(() -> assertThat(snapshots.load(command)).isEmpty());
            assertThat(logged).contains("WARN").contains("ignoring the snapshot of stream counter/corrupt");
        }
    }

    @Test
    void a_version_that_is_not_an_event_of_the_stream_is_refused() {
        var mine = append("mine", ids(1));
        var theirs = append("theirs", ids(1));
        var snapshots = snapshots("v1");
        Increment command = new Increment("mine", 1);
        assertThatThrownBy(() -> snapshots.save(
                        command,
                        new Snapshot<>(new Total(1, 1), theirs.getFirst().version())))
                .isInstanceOf(UnknownPreviousEventException.class)
                .hasMessageContaining("is not an event of stream");
        assertThatThrownBy(() -> snapshots.save(command, new Snapshot<>(new Total(1, 1), UUID.randomUUID())))
                .isInstanceOf(UnknownPreviousEventException.class);
        assertThat(snapshots.load(command)).isEmpty();
        snapshots.save(command, new Snapshot<>(new Total(1, 1), mine.getFirst().version()));
        assertThat(snapshots.load(command)).isPresent();
    }

    @Test
    void fetch_after_returns_the_events_after_the_version_and_the_command_s_earlier_events() {
        UUID[] commands = ids(5);
        var stream = append("after", commands[0], commands[1], commands[2], commands[3], commands[4]);
        var other = append("after-other", ids(1));
        Increment command = new Increment("after", 1);

        assertThat(events.fetchAfter(command, stream.get(2).version(), commands[0])
                        .orElseThrow())
                .containsExactly(stream.get(0), stream.get(3), stream.get(4));
        assertThat(events.fetchAfter(command, stream.get(2).version(), commands[2])
                        .orElseThrow())
                .containsExactly(stream.get(2), stream.get(3), stream.get(4));
        assertThat(events.fetchAfter(command, stream.get(2).version(), commands[4])
                        .orElseThrow())
                .containsExactly(stream.get(3), stream.get(4));
        assertThat(events.fetchAfter(command, stream.get(4).version(), UUID.randomUUID()))
                .contains(List.of());
        assertThat(events.fetchAfter(command, other.getFirst().version(), commands[0]))
                .isEmpty();
        assertThat(events.fetchAfter(command, UUID.randomUUID(), commands[0])).isEmpty();
        // the same answer as the default implementation, derived from fetch
        io.fmodel.core.application.EventRepository<Increment, CounterEvent, UUID> byFetch =
                new io.fmodel.core.application.EventRepository<>() {
                    @Override
                    public List<StoredEvent<CounterEvent, UUID>> fetch(Increment c) {
                        return events.fetch(c);
                    }

                    @Override
                    public io.fmodel.core.application.Appended<CounterEvent, UUID> append(
                            Increment c, UUID id, List<CounterEvent> e, @Nullable UUID v) {
                        throw new UnsupportedOperationException();
                    }
                };
        for (StoredEvent<CounterEvent, UUID> at : stream) {
            for (UUID commandId : commands) {
                assertThat(events.fetchAfter(command, at.version(), commandId))
                        .isEqualTo(byFetch.fetchAfter(command, at.version(), commandId));
            }
        }
    }

    @Test
    void a_multi_event_command_older_than_the_version_is_returned_whole() {
        UUID batch = UUID.randomUUID();
        Increment command = new Increment("batch", 1);
        var first =
                events.append(command, batch, List.of(new Incremented("batch", 1), new Incremented("batch", 2)), null);
        var next = events.append(
                command,
                UUID.randomUUID(),
                List.of(new Incremented("batch", 3)),
                first.stored().getLast().version());
        assertThat(events.fetchAfter(command, next.stored().getFirst().version(), batch)
                        .orElseThrow())
                .containsExactlyElementsOf(first.stored());
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    static long rows(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
