/**
 * vavr's {@code Either} at the edges of fmodel: {@link io.fmodel.vavr.EitherDecider} rejects a command with a
 * {@code Left}, and {@link io.fmodel.vavr.EitherAggregate} returns {@code Either<CommandFailure, List<E>>} instead of
 * throwing the core's typed exceptions. Built on {@code io.fmodel.core}, which knows nothing of vavr.
 */
module io.fmodel.vavr {
    requires transitive io.fmodel.core;
    requires transitive io.vavr; // Either appears in every signature

    exports io.fmodel.vavr;
}
