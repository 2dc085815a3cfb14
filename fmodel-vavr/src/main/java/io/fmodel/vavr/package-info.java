/**
 * vavr's {@code Either} at the edges of fmodel, for code that would rather match on a value than catch an exception.
 * The equivalent of fmodel Kotlin's {@code application-arrow}, built on {@code io.fmodel.core} (which stays free of
 * vavr): nothing here decides, folds, retries or stores on its own.
 *
 * <ul>
 *   <li>{@link io.fmodel.vavr.EitherDecider}: a decider whose {@code decide} returns {@code Either<R, List<E>>}, for
 *       rejections that are neither events nor exceptions. {@link io.fmodel.vavr.EitherDecider#asDecider()} makes it
 *       a core {@code Decider} (a {@code Left} becomes a {@link io.fmodel.vavr.RejectedException}) for views,
 *       combinators and the core's aggregates.
 *   <li>{@link io.fmodel.vavr.EitherAggregate}: an event-sourced aggregate whose {@code handle} returns
 *       {@code Either<CommandFailure<C, R>, List<E>>}: the events, or one of the four
 *       {@link io.fmodel.vavr.CommandFailure}s (rejected, conflict retries exhausted, store unavailable, outcome
 *       unknown). Every other exception is a bug and propagates.
 * </ul>
 *
 * {@snippet :
 * EitherAggregate<CounterCommand, Integer, CounterEvent, String> counters =
 *         EitherAggregate.of(counter, InMemoryEventRepository.of(CounterCommand::counterId));
 * String outcome = counters.handle(new Add("c-1", 500)).fold(
 *         failure -> switch (failure) {
 *             case CommandFailure.Rejected<CounterCommand, String> r -> "rejected: " + r.rejection();
 *             case CommandFailure.RetriesExhausted<CounterCommand, String> x -> "busy, try later";
 *             case CommandFailure.StoreUnavailable<CounterCommand, String> u -> "down, nothing written";
 *             case CommandFailure.OutcomeUnknown<CounterCommand, String> u -> "send again with " + u.commandId();
 *         },
 *         events -> "done: " + events);
 * }
 */
@NullMarked
package io.fmodel.vavr;

import org.jspecify.annotations.NullMarked;
