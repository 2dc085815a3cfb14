package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.Wallet.Deposit;
import io.fmodel.postgres.Wallet.Deposited;
import io.fmodel.postgres.Wallet.Opened;
import io.fmodel.postgres.Wallet.WalletCommand;
import io.fmodel.postgres.Wallet.WalletEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upgrade to sql/004 on a store of the previous version: the schema of 001-003, events written through the SQL
 * API as the previous release did (a view leasing one of them across the upgrade), then the upgrade; everything reads
 * back through the Java API (no metadata: empty), new events carry metadata, the seed's calls still answer, and
 * applying the new file again changes nothing.
 */
class SchemaUpgradeIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final List<String> PREVIOUS = SchemaInstaller.FILES.subList(0, 3);

    @Test
    void a_store_of_the_previous_version_upgraded_to_metadata_reads_everything_back() throws SQLException {
        assertThat(PREVIOUS).containsExactly("001_event_sourcing.sql", "002_event_streaming.sql", "003_snapshots.sql");
        // the class's schema as the previous release installed it: 001-003 only
        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + db.schema() + " CASCADE");
            s.execute("CREATE SCHEMA " + db.schema());
            c.setAutoCommit(false);
            for (String file : PREVIOUS) {
                assertThat(SchemaInstaller.apply(c, file)).isTrue();
            }
            c.commit();
        }
        UUID commandId = UUID.randomUUID();
        long leased;
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            assertThat(columns(s, "SELECT * FROM events")).doesNotContain("metadata");
            // the previous release's writes, through its SQL API: the seed's calls, and an older event version
            s.execute("SELECT * FROM register_decider_event('wallet', 'Opened', 'opened', 1)");
            s.execute("SELECT * FROM register_decider_event('wallet', 'MoneyAdded', 'renamed since', 1)");
            s.execute("SELECT * FROM append_event('Opened', gen_random_uuid(), 'wallet', 'u-1',"
                    + " '{\"walletId\": \"u-1\", \"owner\": \"ann\"}', '" + commandId + "', NULL)");
            s.execute("SELECT * FROM append_events(ARRAY['MoneyAdded'], ARRAY[gen_random_uuid()], 'wallet', 'u-1',"
                    + " ARRAY['{\"walletId\": \"u-1\", \"amount\": 70}'::jsonb], gen_random_uuid(),"
                    + " (SELECT event_id FROM get_last_event('u-1', 'wallet')), ARRAY[1]::bigint[])");
            s.execute("SELECT * FROM register_view('upgrade-view', '-infinity')");
            try (ResultSet r = s.executeQuery("SELECT \"offset\", lease FROM stream_events('upgrade-view')")) {
                assertThat(r.next()).isTrue();
                leased = r.getLong(2);
            }
        }

        assertThat(SchemaInstaller.install(db.dataSource()))
                .containsExactly("004_event_metadata.sql", "005_own_sqlstates.sql");

        var store = PostgresEventStore.of(db.dataSource());
        PostgresEventRepository<WalletCommand, WalletEvent> wallets =
                store.repository(Wallet.types(), WalletCommand::walletId);
        List<RecordedEvent<WalletEvent>> before = wallets.readRecorded("u-1");
        assertThat(before)
                .extracting(RecordedEvent::event)
                .containsExactly(new Opened("u-1", "ann"), new Deposited("u-1", 70, "EUR"));
        assertThat(before).allSatisfy(r -> assertThat(r.metadata()).isEqualTo(Metadata.EMPTY));
        assertThat(before.getFirst().commandId()).isEqualTo(commandId);

        UUID newCommand = UUID.randomUUID();
        try (Metadata.Scope scope = Metadata.bind(Metadata.EMPTY.withCorrelationId("after-upgrade"))) {
            EventSourcingAggregate.of(Wallet.DECIDER_OF_WALLETS, wallets).handle(new Deposit("u-1", 5), newCommand);
        }
        List<RecordedEvent<WalletEvent>> after = wallets.readRecorded("u-1");
        assertThat(after).hasSize(3);
        assertThat(after.getLast().event()).isEqualTo(new Deposited("u-1", 5, "EUR"));
        assertThat(after.getLast().metadata())
                .isEqualTo(new Metadata("after-upgrade", newCommand.toString(), Map.of(), Map.of()));
        assertThat(wallets.read("u-1"))
                .extracting(StoredEvent::event)
                .containsExactlyElementsOf(
                        after.stream().map(RecordedEvent::event).toList());

        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            // the seed's calls answer as before, with metadata as the last column
            List<String> columns = columns(s, "SELECT * FROM get_events('u-1', 'wallet')");
            assertThat(columns.getLast()).isEqualTo("metadata");
            assertThat(columns.subList(0, columns.size() - 1))
                    .containsExactly(
                            "event",
                            "event_id",
                            "event_version",
                            "decider",
                            "decider_id",
                            "data",
                            "command_id",
                            "previous_id",
                            "final",
                            "created_at",
                            "offset",
                            "stream_position");
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM ack_event('upgrade-view', 'u-1',"
                    + " (SELECT min(\"offset\") FROM events), 'wallet', " + leased + ")")) {
                assertThat(r.next()).isTrue();
            }
            try (ResultSet r = s.executeQuery("SELECT metadata IS NULL FROM get_events('u-1', 'wallet')")) {
                List<Boolean> absent = new ArrayList<>();
                while (r.next()) {
                    absent.add(r.getBoolean(1));
                }
                assertThat(absent).containsExactly(true, true, false);
            }
            // the new file again, as psql would apply it: nothing changes
            s.execute(SchemaInstaller.sql("004_event_metadata.sql"));
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM pg_attribute WHERE attrelid = 'events'::regclass"
                    + " AND attname = 'metadata' AND NOT attisdropped")) {
                r.next();
                assertThat(r.getInt(1)).isEqualTo(1);
            }
        }
        assertThat(SchemaInstaller.install(db.dataSource())).isEmpty();
        assertThat(wallets.readRecorded("u-1")).isEqualTo(after);
    }

    private static List<String> columns(Statement s, String query) throws SQLException {
        try (ResultSet r = s.executeQuery(query + " LIMIT 0")) {
            ResultSetMetaData meta = r.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnName(i));
            }
            return names;
        }
    }
}
