package io.fmodel.postgres;

/**
 * Runs a view over the event log: each event is evolved into the state of the entity it belongs to.
 *
 * <p>Delivery guarantees (in addition to those of {@link StreamProcessor}):
 * <ul>
 *   <li>{@link PostgresEventStore#startView} (exactly once): the view states live in the same database ({@link TransactionalViewStore}). For each
 *       batch of one partition, the states are read, evolved and saved, and the batch acknowledged, in ONE
 *       transaction: a crash, a killed connection or a lost lease rolls all of it back, so every event's effect is
 *       applied exactly once.
 *   <li>{@link PostgresEventStore#startAtLeastOnce}: the view is kept elsewhere (for example core's {@code MaterializedView::handle}). The
 *       handler runs first, the acknowledgement commits after it: an event whose handler ran but whose ack did not
 *       commit is delivered again. Make the handler idempotent.
 * </ul>
 * Creating a processor registers the view if it is missing ({@code register_view}); a registered view keeps its
 * positions and settings (lock timeout, pooling delay, {@code edge_function_url}), and only an explicit, different
 * {@link StreamingOptions#startAt()} moves it. Then it starts its threads: it does I/O.
 *
 * {@snippet :
 * try (ViewProcessor balances = store.startView("balances", EventTypes.of("account", AccountEvent.class), balanceView,
 *         store.jsonbViewStore("balances", AccountEvent::accountId, Balance.class),
 *         StreamingOptions.defaults().withWorkers(4))) {
 *     // ... runs until closed
 * }
 * // a view kept elsewhere, e.g. core's MaterializedView: at least once
 * ViewProcessor elsewhere = store.startAtLeastOnce("balances-cache", types, materializedView::handle,
 *         StreamingOptions.defaults());
 * }
 */
public interface ViewProcessor extends StreamProcessor {}
