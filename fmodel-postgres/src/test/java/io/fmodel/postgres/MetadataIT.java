package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.postgres.Wallet.Deposit;
import io.fmodel.postgres.Wallet.Deposited;
import io.fmodel.postgres.Wallet.Open;
import io.fmodel.postgres.Wallet.Opened;
import io.fmodel.postgres.Wallet.WalletCommand;
import io.fmodel.postgres.Wallet.WalletEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Event metadata end to end on PostgreSQL (sql/004): what repositories write (the command id by default, the
 * thread's and the repository's own), what readers see (readRecorded, recorded views and handlers, push in
 * UpcastingIT), and how sagas carry correlation and causation on.
 */
class MetadataIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final PostgresEventStore store = PostgresEventStore.of(db.dataSource());
    private final PostgresEventRepository<WalletCommand, WalletEvent> wallets =
            store.repository(Wallet.types(), WalletCommand::walletId);
    private final EventSourcingAggregate<WalletCommand, Wallet.Balance, WalletEvent> aggregate =
            EventSourcingAggregate.of(Wallet.DECIDER_OF_WALLETS, wallets);

    @Test
    void an_aggregate_s_events_carry_their_command_id_as_causation_and_correlation() {
        UUID commandId = UUID.randomUUID();
        aggregate.handle(new Open("m-default", "ann"), commandId);

        RecordedEvent<WalletEvent> recorded = wallets.readRecorded("m-default").getFirst();
        assertThat(recorded.event()).isEqualTo(new Opened("m-default", "ann"));
        assertThat(recorded.commandId()).isEqualTo(commandId);
        assertThat(recorded.partition()).isEqualTo(new Partition("wallet", "m-default"));
        assertThat(recorded.metadata())
                .isEqualTo(new Metadata(commandId.toString(), commandId.toString(), Map.of(), Map.of()));
    }

    @Test
    void the_metadata_bound_to_the_thread_and_the_repository_s_own_are_written_for_each_event() {
        var tagged = EventSourcingAggregate.of(Wallet.DECIDER_OF_WALLETS, wallets.withMetadata(command -> Metadata.EMPTY
                .withEntry("source", "test")
                .withEntry("tenant", "from the repository")));
        UUID commandId = UUID.randomUUID();
        Metadata request = Metadata.EMPTY
                .withCorrelationId("request-42")
                .withTraceContext("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .withEntry("tenant", "acme");
        try (Metadata.Scope scope = Metadata.bind(request)) {
            tagged.handle(new Open("m-bound", "bo"), commandId);
            tagged.handle(new Deposit("m-bound", 3), commandId);
        }
        assertThat(Metadata.current()).as("the scope ended").isEqualTo(Metadata.EMPTY);

        assertThat(wallets.readRecorded("m-bound"))
                .hasSize(1) // the second call reused the command id: a replay
                .allSatisfy(r -> assertThat(r.metadata())
                        .isEqualTo(new Metadata(
                                "request-42",
                                commandId.toString(),
                                Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                                Map.of("source", "test", "tenant", "acme"))));
    }

    @Test
    void a_saga_s_commands_carry_the_triggering_event_s_correlation_and_its_id_as_causation() throws Exception {
        // a saga that opens a savings wallet for every wallet opened, handled in the processor's thread
        Saga<WalletEvent, WalletCommand> savings =
                event -> event instanceof Opened o && !o.walletId().endsWith("-s")
                        ? List.of(new Open(o.walletId() + "-s", o.owner()))
                        : List.of();
        try (Metadata.Scope scope =
                Metadata.bind(Metadata.EMPTY.withCorrelationId("signup-7").withEntry("tenant", "acme"))) {
            aggregate.handle(new Open("m-saga", "cat"));
        }
        UUID trigger = wallets.readRecorded("m-saga").getFirst().eventId();
        try (var saga = store.startSaga(
                "metadata-saga", wallets.eventTypes(), savings, aggregate::handle, StreamingOptions.defaults())) {
            Await.await(Duration.ofSeconds(20), () -> !wallets.readRecorded("m-saga-s")
                    .isEmpty());
        }
        Metadata sent = wallets.readRecorded("m-saga-s").getFirst().metadata();
        assertThat(sent.correlationId()).isEqualTo("signup-7");
        assertThat(sent.causationId()).isEqualTo(trigger.toString());
        assertThat(sent.entries()).containsEntry("tenant", "acme");
    }

    @Test
    void recorded_views_and_handlers_see_each_event_s_metadata() {
        try (Metadata.Scope scope = Metadata.bind(Metadata.EMPTY.withCorrelationId("seen-1"))) {
            aggregate.handle(new Open("m-seen", "dan"));
            aggregate.handle(new Deposit("m-seen", 9));
        }
        Queue<RecordedEvent<WalletEvent>> handled = new ConcurrentLinkedQueue<>();
        var correlations = store.jsonbViewStore(
                "metadata_correlations",
                (RecordedEvent<WalletEvent> r) -> r.event().walletId(),
                String.class);
        View<String, RecordedEvent<WalletEvent>> lastCorrelation = View.of(
                "", (String last, RecordedEvent<WalletEvent> r) -> r.metadata().correlationId() + "@" + r.offset());
        try (var handler = store.startRecordedHandler(
                        "metadata-handler",
                        wallets.eventTypes(),
                        r -> {
                            if (r.event().walletId().equals("m-seen")) {
                                handled.add(r);
                            }
                        },
                        StreamingOptions.defaults());
                var view = store.startRecordedView(
                        "metadata-view",
                        wallets.eventTypes(),
                        lastCorrelation,
                        correlations,
                        StreamingOptions.defaults())) {
            Await.await(
                    Duration.ofSeconds(20),
                    () -> handled.size() == 2
                            && store.viewStates("metadata_correlations", String.class)
                                    .find("m-seen")
                                    .isPresent());
        }
        List<RecordedEvent<WalletEvent>> stored = wallets.readRecorded("m-seen");
        assertThat(handled).containsExactlyElementsOf(stored);
        assertThat(handled)
                .allSatisfy(r -> assertThat(r.metadata().correlationId()).isEqualTo("seen-1"));
        assertThat(store.viewStates("metadata_correlations", String.class).find("m-seen"))
                .isEqualTo(Optional.of("seen-1@" + stored.getLast().offset()));
        assertThat(stored.getLast().event()).isEqualTo(new Deposited("m-seen", 9, "EUR"));
    }

    @Test
    void the_docs_example_writes_and_reads_metadata() {
        String requestId = "req-" + UUID.randomUUID();
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        // spotless:off
        // docs/event-evolution.md: start
        var repository = store.repository(Wallet.types(), WalletCommand::walletId)
                .withMetadata(command -> Metadata.EMPTY.withEntry("source", "web"));  // the repository's own entries
        var wallets = EventSourcingAggregate.of(Wallet.DECIDER_OF_WALLETS, repository);
        try (Metadata.Scope scope = Metadata.bind(Metadata.EMPTY
                .withCorrelationId(requestId)                                       // the HTTP request's id, say
                .withTraceContext("traceparent", traceparent))) {
            wallets.handle(new Open("w-docs", "ada"));      // its events: correlation requestId, causation its command
        }
        RecordedEvent<WalletEvent> opened = repository.readRecorded("w-docs").getFirst();
        String causation = opened.metadata().causationId();                         // the command id
        // docs/event-evolution.md: end
        // spotless:on
        assertThat(causation).isEqualTo(opened.commandId().toString());
        assertThat(opened.metadata())
                .isEqualTo(new Metadata(
                        requestId, causation, Map.of("traceparent", traceparent), Map.of("source", "web")));
    }

    @Test
    void the_readme_example_upcasts_and_correlates() throws SQLException {
        String requestId = "req-" + UUID.randomUUID();
        // spotless:off
        // README: evolution
        EventTypes<WalletEvent> types = EventTypes.of("wallet", WalletEvent.class)
                .with(Deposited.class, "Deposited", 3)                  // writers write version 3
                .upcasting("Deposited", 2, Upcaster.to("Deposited", 3, data -> data.put("currency", "EUR")))
                .upcasting("BalanceChecked", 1, Upcaster.drop());       // no longer an event: readers skip it
        var wallets = EventSourcingAggregate.of(Wallet.DECIDER_OF_WALLETS,
                store.repository(types, WalletCommand::walletId));
        try (Metadata.Scope scope = Metadata.bind(Metadata.EMPTY.withCorrelationId(requestId))) {
            wallets.handle(new Deposit("w-readme", 500));   // correlation requestId, causation its command id
        }
        // README: end
        // spotless:on
        Wallet.writeAsAnOlderRelease(
                db.dataSource(),
                "w-readme",
                List.of(Wallet.depositedV2("w-readme", 7), Wallet.balanceChecked("w-readme")));
        assertThat(this.wallets.readRecorded("w-readme"))
                .extracting(RecordedEvent::event)
                .containsExactly(new Deposited("w-readme", 500, "EUR"), new Deposited("w-readme", 7, "EUR"));
        assertThat(this.wallets.readRecorded("w-readme").getFirst().metadata().correlationId())
                .isEqualTo(requestId);
    }

    @Test
    void an_event_written_without_metadata_reads_as_empty_metadata() throws SQLException {
        Wallet.writeAsAnOlderRelease(db.dataSource(), "m-none", List.of(Wallet.opened("m-none", "eve")));

        assertThat(wallets.readRecorded("m-none")).singleElement().satisfies(r -> assertThat(r.metadata())
                .isEqualTo(Metadata.EMPTY));
    }

    @Test
    void sql_consumers_stream_the_metadata_with_the_events() throws SQLException {
        try (Metadata.Scope scope = Metadata.bind(Metadata.EMPTY.withCorrelationId("sql-1"))) {
            aggregate.handle(new Open("m-sql", "fay"));
            aggregate.handle(new Deposit("m-sql", 4));
        }
        List<String> rows = new java.util.ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT * FROM register_view('metadata-sql', '-infinity')");
            for (int i = 0; i < 100 && rows.size() < 2; i++) {
                // a batch is acknowledged with its last offset, partition by partition
                Map<String, long[]> last = new java.util.LinkedHashMap<>();
                try (var r = s.executeQuery("SELECT decider_id, event, metadata ->> 'correlation_id', \"offset\","
                        + " lease FROM stream_event_batches_with_metadata('metadata-sql', 100, 100)")) {
                    while (r.next()) {
                        if (r.getString(1).equals("m-sql")) {
                            rows.add(r.getString(2) + " " + r.getString(3));
                        }
                        last.put(r.getString(1), new long[] {r.getLong(4), r.getLong(5)});
                    }
                }
                for (Map.Entry<String, long[]> batch : last.entrySet()) {
                    s.execute("SELECT * FROM ack_event('metadata-sql', '" + batch.getKey() + "', " + batch.getValue()[0]
                            + ", 'wallet', " + batch.getValue()[1] + ")");
                }
            }
        }
        assertThat(rows).containsExactly("Opened sql-1", "Deposited sql-1");
    }

    @Test
    void append_events_with_metadata_refuses_a_document_that_is_not_an_object() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("SELECT * FROM append_events_with_metadata(ARRAY['Opened'],"
                            + " ARRAY[gen_random_uuid()], 'wallet', 'm-bad', ARRAY['{}'::jsonb], gen_random_uuid(),"
                            + " NULL, ARRAY[1]::bigint[], '[1, 2]')"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("ES008"));
        }
    }

    @Test
    void metadata_completes_what_it_lacks_from_another_and_wins_where_both_have_a_value() {
        Metadata mine = Metadata.EMPTY.withCorrelationId("c").withEntry("a", "1");
        Metadata other = new Metadata("x", "y", Map.of("t", "1"), Map.of("a", "2", "b", "3"));

        assertThat(mine.orElse(other)).isEqualTo(new Metadata("c", "y", Map.of("t", "1"), Map.of("a", "1", "b", "3")));
        assertThat(Metadata.EMPTY.orElse(other)).isEqualTo(other);
        assertThat(Metadata.EMPTY.isEmpty()).isTrue();
    }
}
