package io.fmodel.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fmodel.benchmarks.Account.AccountEvent;
import io.fmodel.benchmarks.Account.Balance;
import io.fmodel.benchmarks.Account.Deposit;
import io.fmodel.benchmarks.Account.Deposited;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The baseline: what a careful hand-written application does with plain JDBC and Jackson, no framework. Reads the
 * stream with {@code get_events}, decodes the JSON into the same records with cached readers, folds, decides with the
 * same pure functions, encodes, appends with {@code append_event} chaining {@code previous_id} in one transaction, and
 * retries a conflict with the same policy as core's default (10 attempts, full-jitter backoff from 1 ms to 100 ms).
 */
final class RawJdbc {

    static final String GET_EVENTS =
            "SELECT event_id, event, event_version, data::text FROM get_events(?, '" + Account.DECIDER + "')";
    static final String APPEND_EVENT =
            "SELECT event_id FROM append_event(?, ?, '" + Account.DECIDER + "', ?, ?::jsonb, ?, ?, ?)";
    static final String APPEND_EVENTS = "SELECT event_id FROM append_events(?::text[], ?::uuid[], '" + Account.DECIDER
            + "', ?, ?::jsonb[], ?, ?, ?::bigint[])";
    static final String INSERT_PHYSICAL = "INSERT INTO physical_limit (event_id, data) VALUES (?, ?::jsonb)";

    private static final int MAX_ATTEMPTS = 10;

    private final DataSource dataSource;
    private final ObjectReader depositedReader;
    private final ObjectWriter writer;
    final LongAdder conflicts = new LongAdder();
    final LongAdder gaveUp = new LongAdder();

    RawJdbc(DataSource dataSource) {
        this.dataSource = dataSource;
        ObjectMapper mapper = JsonMapper.builder().build();
        this.depositedReader = mapper.readerFor(Deposited.class);
        this.writer = mapper.writer();
    }

    /** Fetch, fold, decide, append; retried on conflict. */
    List<AccountEvent> handle(Deposit command) throws SQLException, IOException, InterruptedException {
        UUID commandId = UUID.randomUUID();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                Balance state = Balance.ZERO;
                UUID last = null;
                try (PreparedStatement get = c.prepareStatement(GET_EVENTS)) {
                    get.setString(1, command.accountId());
                    try (ResultSet rows = get.executeQuery()) {
                        while (rows.next()) {
                            last = rows.getObject(1, UUID.class);
                            state = state.apply(decode(rows.getString(2), rows.getLong(3), rows.getString(4)));
                        }
                    }
                }
                List<AccountEvent> events = Account.decide(command, state);
                append(c, command.accountId(), commandId, events, last);
                return events;
            } catch (SQLException e) {
                if (!isConflict(e)) {
                    throw e;
                }
                conflicts.increment();
                if (attempt >= MAX_ATTEMPTS) {
                    gaveUp.increment();
                    return List.of();
                }
                Thread.sleep(java.time.Duration.ofNanos(backoff(attempt)));
            }
        }
    }

    private AccountEvent decode(String name, long version, String json) throws IOException {
        if (name.equals("Deposited") && version == 1) {
            return depositedReader.readValue(json);
        }
        throw new IOException("unknown event " + name + " v" + version);
    }

    /** Appends {@code events} after {@code previous} in one transaction; returns the last event id. */
    @Nullable
    UUID append(Connection c, String stream, UUID commandId, List<AccountEvent> events, @Nullable UUID previous)
            throws SQLException, IOException {
        boolean batch = events.size() > 1;
        if (batch) {
            c.setAutoCommit(false);
        }
        try (PreparedStatement append = c.prepareStatement(APPEND_EVENT)) {
            for (AccountEvent event : events) {
                UUID id = v7();
                append.setString(
                        1,
                        switch (event) {
                            case Deposited d -> "Deposited";
                        });
                append.setObject(2, id);
                append.setString(3, stream);
                append.setString(4, writer.writeValueAsString(event));
                append.setObject(5, commandId);
                append.setObject(6, previous);
                append.setLong(7, 1);
                append.executeQuery().close();
                previous = id;
            }
            if (batch) {
                c.commit();
            }
        } catch (SQLException | IOException | RuntimeException e) {
            if (batch) {
                c.rollback();
            }
            throw e;
        } finally {
            if (batch) {
                c.setAutoCommit(true);
            }
        }
        return previous;
    }

    /** Appends {@code events} in one call of {@code append_events}, one round trip; returns the last event id. */
    UUID appendEvents(Connection c, String stream, List<AccountEvent> events, @Nullable UUID previous)
            throws SQLException, IOException {
        int n = events.size();
        String[] names = new String[n];
        UUID[] ids = new UUID[n];
        String[] data = new String[n];
        Long[] versions = new Long[n];
        for (int i = 0; i < n; i++) {
            names[i] = switch (events.get(i)) {
                case Deposited d -> "Deposited";
            };
            ids[i] = v7();
            data[i] = writer.writeValueAsString(events.get(i));
            versions[i] = 1L;
        }
        try (PreparedStatement append = c.prepareStatement(APPEND_EVENTS)) {
            append.setArray(1, c.createArrayOf("text", names));
            append.setArray(2, c.createArrayOf("uuid", ids));
            append.setString(3, stream);
            append.setArray(4, c.createArrayOf("text", data));
            append.setObject(5, UUID.randomUUID());
            append.setObject(6, previous);
            append.setArray(7, c.createArrayOf("int8", versions));
            append.executeQuery().close();
        }
        return ids[n - 1];
    }

    /** One row of the physical limit: a plain table, no function, no trigger, one transaction. */
    void insertPhysical(Connection c) throws SQLException, IOException {
        try (PreparedStatement insert = c.prepareStatement(INSERT_PHYSICAL)) {
            insert.setObject(1, v7());
            insert.setString(2, writer.writeValueAsString(new Deposited("physical", 1, Account.NOTE)));
            insert.executeUpdate();
        }
    }

    static void createPhysicalTable(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement statement = c.createStatement()) {
            statement.execute("CREATE TABLE physical_limit (id BIGSERIAL PRIMARY KEY, event_id UUID NOT NULL,"
                    + " data JSONB NOT NULL)");
        }
    }

    static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return "ES001".equals(state) || "23505".equals(state) || "40001".equals(state) || "40P01".equals(state);
    }

    /** Full jitter, 1 ms doubling to 100 ms: the numbers of core's {@code RetryPolicy.defaults()}. */
    static long backoff(int failures) {
        long base = 1_000_000L;
        for (int i = 1; i < failures && base < 100_000_000L; i++) {
            base *= 2;
        }
        return ThreadLocalRandom.current().nextLong(Math.min(base, 100_000_000L) + 1);
    }

    /** A time-ordered UUID (version 7), as the repository uses: the event_id index grows at its right edge. */
    static UUID v7() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    /**
     * Seeds {@code streams} streams of {@code events} deposits each, named {@code prefix + i}, on the server in one
     * statement per chunk of streams (the fast way to build large logs; the appends go through {@code append_events}).
     */
    static void seed(DataSource dataSource, String prefix, int streams, int events) throws SQLException {
        int chunk = Math.max(1, 20_000 / events);
        for (int from = 0; from < streams; from += chunk) {
            int to = Math.min(streams, from + chunk) - 1;
            String sql = """
                    DO $$
                    BEGIN
                      FOR s IN %d..%d LOOP
                        PERFORM append_events(
                          array_fill('Deposited'::text, ARRAY[%d]),
                          ARRAY(SELECT gen_random_uuid() FROM generate_series(1, %d)),
                          '%s', '%s' || s,
                          ARRAY(SELECT jsonb_build_object('accountId', '%s' || s, 'amount', 1, 'note', repeat('x', 150))
                                FROM generate_series(1, %d)),
                          gen_random_uuid(), NULL, array_fill(1::bigint, ARRAY[%d]));
                      END LOOP;
                    END $$""".formatted(from, to, events, events, Account.DECIDER, prefix, prefix, events, events);
            try (Connection c = dataSource.getConnection();
                    Statement statement = c.createStatement()) {
                statement.execute(sql);
            }
        }
        try (Connection c = dataSource.getConnection();
                Statement statement = c.createStatement()) {
            statement.execute("ANALYZE");
        }
    }
}
