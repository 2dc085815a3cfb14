/**
 * The PostgreSQL adapter of the application layer's ports: the event store of {@code sql/} and its processors.
 *
 * <table>
 *   <caption>Where to start, by feature</caption>
 *   <tr><th>To</th><th>Use</th><th>Read</th></tr>
 *   <tr><td>start: one store per database, everything else comes from it</td>
 *       <td>{@link io.fmodel.postgres.PostgresEventStore}</td><td>README.md, docs/adr/0060</td></tr>
 *   <tr><td>install or upgrade the schema</td><td>{@link io.fmodel.postgres.PostgresEventStore#installSchema()},
 *       {@link io.fmodel.postgres.SchemaInstaller}</td>
 *       <td>docs/event-store.md</td></tr>
 *   <tr><td>try it without a server</td><td>{@link io.fmodel.postgres.EmbeddedStore}</td><td>README.md</td></tr>
 *   <tr><td>store an aggregate's events, read a stream by id</td>
 *       <td>{@link io.fmodel.postgres.PostgresEventRepository}, {@link io.fmodel.postgres.EventTypes}</td>
 *       <td>docs/event-store.md</td></tr>
 *   <tr><td>start long streams from a snapshot</td><td>{@link io.fmodel.postgres.PostgresSnapshotRepository}</td>
 *       <td>docs/snapshots.md</td></tr>
 *   <tr><td>keep a view exactly once, or call a handler at least once</td>
 *       <td>{@link io.fmodel.postgres.ViewProcessor}, {@link io.fmodel.postgres.TransactionalViewStore},
 *       {@link io.fmodel.postgres.StreamingOptions}</td><td>docs/streaming.md</td></tr>
 *   <tr><td>read a view's states</td><td>{@link io.fmodel.postgres.ViewStates}</td><td>docs/streaming.md</td></tr>
 *   <tr><td>react to events with commands</td>
 *       <td>{@link io.fmodel.postgres.SagaProcessor}, {@link io.fmodel.postgres.CommandSender}</td>
 *       <td>docs/streaming.md</td></tr>
 *   <tr><td>push events to a webhook</td>
 *       <td>{@link io.fmodel.postgres.HttpDeliveryProcessor}, {@link io.fmodel.postgres.HttpDeliveryOptions},
 *       {@link io.fmodel.postgres.WebhookSignature}</td><td>docs/push-delivery.md</td></tr>
 *   <tr><td>watch processors: lag, parked partitions, release</td>
 *       <td>{@link io.fmodel.postgres.StreamProcessor}, {@link io.fmodel.postgres.ProcessorListener},
 *       {@link io.fmodel.postgres.ParkedPartition}</td><td>docs/streaming.md</td></tr>
 *   <tr><td>handle failures</td>
 *       <td>{@link io.fmodel.postgres.EventStoreException} (sealed: one subtype per cause),
 *       {@link io.fmodel.core.application.StoreUnavailableException}</td>
 *       <td>docs/event-store.md, docs/reliability.md</td></tr>
 * </table>
 *
 * <p>{@code io.fmodel.postgres.internal} (and the jOOQ code generated into it) is not part of the API.
 */
@NullMarked
package io.fmodel.postgres;

import org.jspecify.annotations.NullMarked;
