package io.fmodel.postgres;

import io.fmodel.core.application.SnapshotRepository;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The {@link SnapshotRepository} on PostgreSQL: the {@code snapshots} table of {@code sql/003_snapshots.sql}, one
 * row per stream, beside the events of a {@link PostgresEventRepository} of the same decider.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>{@link #load} is one call of {@code get_snapshot}, {@link #save} one call of {@code save_snapshot}: one round
 *       trip each, by primary key.
 *   <li>A snapshot only moves forward: {@code save_snapshot} keeps the stored one when it is of a later event of the
 *       stream. A version that is not an event of the stream is refused ({@link UnknownPreviousEventException}).
 *   <li>The state is stored as JSON (Jackson) with the {@code revision} given here. A snapshot of another revision is
 *       not loaded, and one whose JSON no longer fits {@code stateType} is logged at WARN and treated as absent: a
 *       snapshot is never decoded into a wrong state, the aggregate folds the whole history instead.
 *   <li>Snapshots are a cache: deleting rows of {@code snapshots} at any time is safe (docs/snapshots.md).
 *   <li>Other failures are {@link EventStoreException} subtypes (an {@link EventEncodingException} when the state
 *       cannot be serialized).
 * </ul>
 * Thread-safe; each call borrows a connection from the {@link DataSource}. Creating one does no I/O.
 *
 * {@snippet :
 * var events = store.repository(EventTypes.of("account", AccountEvent.class), Deposit::accountId);
 * var snapshots = store.snapshots(events, Balance.class, "balance-v1");
 * var accounts = EventSourcingAggregate.of(decider, events, snapshots, SnapshotPolicy.every(100));
 * }
 *
 * @param <C> command type
 * @param <S> state type
 */
public interface PostgresSnapshotRepository<C, S> extends SnapshotRepository<C, S, UUID> {

    /** {@return the revision of the state's shape this repository saves and loads} */
    String revision();
}
