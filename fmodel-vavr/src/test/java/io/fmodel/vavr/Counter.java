package io.fmodel.vavr;

import io.vavr.control.Either;
import java.util.List;

/** A counter capped at 100: an add past the cap is rejected with a reason, a negative add is a bug. */
final class Counter {

    private Counter() {}

    sealed interface CounterCommand permits Add {
        String counterId();
    }

    record Add(String counterId, int amount) implements CounterCommand {}

    sealed interface CounterEvent permits Added {
        String counterId();
    }

    record Added(String counterId, int amount) implements CounterEvent {}

    static final EitherDecider<CounterCommand, Integer, CounterEvent, String> COUNTER = EitherDecider.of(
            0,
            (command, total) -> switch (command) {
                case Add a when a.amount() < 0 -> throw new IllegalArgumentException("negative add " + a);
                case Add a when total + a.amount() > 100 -> Either.left("over 100");
                case Add a -> Either.right(List.of(new Added(a.counterId(), a.amount())));
            },
            (total, event) -> switch (event) {
                case Added a -> total + a.amount();
            });
}
