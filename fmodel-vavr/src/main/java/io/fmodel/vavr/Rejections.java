package io.fmodel.vavr;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Which {@link RejectedException}s an {@link EitherAggregate} takes as its rejections, typed. */
@FunctionalInterface
interface Rejections<R> {

    /** {@return the rejection {@code rejected} carries, or {@code null} when it is not one of this aggregate's} */
    @Nullable
    R of(RejectedException rejected);

    /** {@return the rejections of {@code decider}'s {@code Left}s (the exception names the decider it came from)} */
    static <R> Rejections<R> of(EitherDecider<?, ?, ?, R> decider) {
        Objects.requireNonNull(decider, "decider");
        return rejected -> {
            if (rejected.origin() != decider) {
                return null;
            }
            // thrown by RejectingDecider for a Left of this very decider, whose rejections are R
            @SuppressWarnings("unchecked")
            R rejection = (R) rejected.rejection();
            return rejection;
        };
    }

    /** {@return the rejections that are instances of {@code type}, whoever threw them} */
    static <R> Rejections<R> ofType(Class<R> type) {
        Objects.requireNonNull(type, "rejectionType");
        return rejected -> type.isInstance(rejected.rejection()) ? type.cast(rejected.rejection()) : null;
    }
}
