package io.fmodel.postgres.invariants;

import static io.fmodel.postgres.invariants.StoreSql.DECIDER;
import static io.fmodel.postgres.invariants.StoreSql.EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fmodel.postgres.EventStoreException;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Identifiers are non-empty and within their documented length in bytes, numeric settings within their documented
 * ranges: a bad value is refused before anything is written, in SQL with a typed SQLSTATE and in Java before any
 * I/O with a typed exception. One oversized id must not stop a view.
 */
class IdentifierLimitsIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private Connection c;

    @BeforeAll
    static void types() throws SQLException {
        try (Connection c = db.connection()) {
            StoreSql.registerTypes(c);
        }
    }

    @BeforeEach
    void connect() throws SQLException {
        c = db.connection();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void an_oversized_decider_id_is_refused_and_the_view_goes_on() throws SQLException {
        Session.rows(c, "SELECT * FROM register_view('il-view')");
        long before = StoreSql.append(c, "il-before");
        String huge = "x".repeat(2672);
        String refused = sqlState(() -> appendTo(huge));
        assertThat(refused).as("a decider_id of 2,672 bytes").isNotNull();
        assertThat(refused).isEqualTo("ES008");
        assertThat(Session.rows(c, "SELECT count(*) AS n FROM events WHERE decider_id = ?", huge)
                        .getFirst()
                        .get("n"))
                .isEqualTo(0L);
        long after = StoreSql.append(c, "il-after");
        assertThat(StoreSql.drain(c, "il-view", java.util.Set.of(before, after), java.time.Duration.ofSeconds(5)))
                .extracting(StoreSql.Delivered::offset)
                .containsExactly(before, after);
    }

    @Test
    void the_longest_decider_id_is_accepted() throws SQLException {
        appendTo("y".repeat(512));
        String refused = sqlState(() -> appendTo("y".repeat(513)));
        assertThat(refused).isNotNull();
        assertThat(refused).isEqualTo("ES008");
        // bytes, not characters: 171 three-byte characters are 513 bytes
        assertThat(sqlState(() -> appendTo("€".repeat(171)))).isNotNull();
    }

    @Test
    void empty_identifiers_are_refused_and_nothing_is_written() throws SQLException {
        assertThat(sqlState(() -> appendTo(""))).isEqualTo("ES008");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM register_decider_event('', '')")))
                .isEqualTo("ES008");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM register_decider_event('d', '')")))
                .isEqualTo("ES008");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM register_view('')")))
                .isEqualTo("VS005");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM register_view(?)", "v".repeat(129))))
                .isEqualTo("VS005");
        assertThat(Session.rows(c, "SELECT * FROM events WHERE decider_id = ''"))
                .isEmpty();
        assertThat(Session.rows(c, "SELECT * FROM deciders WHERE decider = '' OR event = ''"))
                .isEmpty();
        assertThat(Session.rows(c, "SELECT * FROM views WHERE view = ''")).isEmpty();
    }

    @Test
    void numeric_settings_out_of_range_are_refused() throws SQLException {
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM register_view('il-n', NULL, 300, -1)")))
                .isEqualTo("VS005");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM register_view('il-n', NULL, 0)")))
                .isEqualTo("VS005");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM register_view('il-n', NULL, 864000)")))
                .isEqualTo("VS005");
        assertThat(Session.rows(c, "SELECT * FROM views WHERE view = 'il-n'")).isEmpty();
        Session.rows(c, "SELECT * FROM register_view('il-n')");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM stream_events('il-n', 0)")))
                .isEqualTo("VS005");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM stream_events('il-n', 100000)")))
                .isEqualTo("VS005");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM stream_events('il-n', 1, 0)")))
                .isEqualTo("VS005");
        assertThat(sqlState(() -> Session.rows(c, "SELECT * FROM register_decider_event('d', 'e', '', 0)")))
                .isEqualTo("ES008");
    }

    // ------------------------------------------------------------------------------------------------- from Java

    sealed interface Cmd permits Do {
        String id();
    }

    record Do(String id) implements Cmd {}

    sealed interface Evt permits Done {}

    record Done(String id) implements Evt {}

    @Test
    void java_refuses_an_empty_or_oversized_stream_id_before_any_io() throws SQLException {
        PostgresEventRepository<Cmd, Evt> repository =
                PostgresEventStore.of(db.dataSource()).repository(EventTypes.of("il-java", Evt.class), Cmd::id);
        for (String id : List.of("", "z".repeat(513))) {
            assertThatThrownBy(() -> repository.append(new Do(id), UUID.randomUUID(), List.of(new Done(id)), null))
                    .isInstanceOf(EventStoreException.class)
                    .hasMessageContaining("decider_id");
            assertThatThrownBy(() -> repository.fetch(new Do(id)))
                    .isInstanceOf(EventStoreException.class)
                    .hasMessageContaining("decider_id");
        }
        assertThat(Session.rows(c, "SELECT * FROM events WHERE decider = 'il-java'"))
                .isEmpty();
    }

    @Test
    void java_refuses_an_empty_or_oversized_decider_or_event_name() {
        assertThatThrownBy(() -> EventTypes.of("", Evt.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventTypes.of("d".repeat(129), Evt.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventTypes.of("il-names", Evt.class).with(Done.class, "", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventTypes.of("il-names", Evt.class).with(Done.class, "Done", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private List<Map<String, Object>> appendTo(String stream) throws SQLException {
        return Session.rows(
                c,
                "SELECT * FROM append_event(?, gen_random_uuid(), ?, ?, '{}', gen_random_uuid(), NULL, 1)",
                EVENT,
                DECIDER,
                stream);
    }

    @FunctionalInterface
    private interface Sql {
        List<Map<String, Object>> run() throws SQLException;
    }

    /** {@return the SQLSTATE of the refusal, or null if the statement was accepted} */
    private static @Nullable String sqlState(Sql sql) {
        SQLException e = catchThrowableOfType(SQLException.class, sql::run);
        return e == null ? null : e.getSQLState();
    }
}
