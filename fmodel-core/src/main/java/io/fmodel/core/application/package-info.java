/**
 * The application layer: runs the pure domain against small ports, and still does no I/O of its own.
 *
 * <p>Nothing here knows about a database; the ports ({@link io.fmodel.core.application.EventRepository},
 * {@link io.fmodel.core.application.StateRepository}, {@link io.fmodel.core.application.ViewStateRepository},
 * {@link io.fmodel.core.application.ActionPublisher}, and the opt-in
 * {@link io.fmodel.core.application.SnapshotRepository}) are implemented in memory by this module
 * ({@code InMemory...}, {@link io.fmodel.core.application.CollectingActionPublisher}) and on PostgreSQL by
 * {@code fmodel-postgres}.
 *
 * <h2>Rejecting a command</h2>
 * Both conventions are supported, and they reach the caller differently:
 * <ul>
 *   <li><b>A rejection event</b> (fmodel's way, recommended when the rejection is a business fact): {@code decide}
 *       returns an event such as {@code RegistrationRejected}. It is an ordinary event: it is appended (or folded
 *       into the state), evolves the state like any other, may trigger sagas, and is returned by {@code handle}.
 *   <li><b>An exception</b> (for commands that are simply invalid): {@code decide} throws. The exception propagates
 *       from {@code handle} to the caller unchanged, is not retried, and nothing is written.
 * </ul>
 * Only {@link io.fmodel.core.application.ConcurrencyConflictException} is retried (under a
 * {@link io.fmodel.core.application.RetryPolicy}); when attempts run out the caller gets
 * {@link io.fmodel.core.application.RetriesExhaustedException}.
 *
 * {@snippet :
 * var counters = EventSourcingAggregate.of(counter, InMemoryEventRepository.of(CounterCommand::counterId));
 * counters.handle(new Add("c-1", 500)); // [AddRejected[counterId=c-1, amount=500]]: recorded
 * counters.handle(new Add("c-1", -1));  // throws IllegalArgumentException: nothing recorded
 * }
 */
@NullMarked
package io.fmodel.core.application;

import org.jspecify.annotations.NullMarked;
