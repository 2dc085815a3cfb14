package io.fmodel.vavr.testkit;

import io.fmodel.vavr.EitherDecider;
import io.vavr.control.Either;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** A counter capped at 100 that rejects with a reason: the domain the test kit's tests specify. */
final class Counter {

    private Counter() {}

    sealed interface Command permits Add {
        String counterId();
    }

    record Add(String counterId, int amount) implements Command {}

    sealed interface Event permits Added {}

    record Added(int amount) implements Event {}

    static final EitherDecider<Command, Integer, Event, String> DECIDER = EitherDecider.of(
            0,
            (command, total) -> switch (command) {
                case Add a when a.amount() < 0 -> throw new IllegalArgumentException("negative amount");
                case Add a when total + a.amount() > 100 -> Either.left("over 100");
                case Add a -> Either.right(List.of(new Added(a.amount())));
            },
            (total, event) -> switch (event) {
                case Added a -> total + a.amount();
            });

    /** Adds, rejections and the odd negative add (a bug, thrown), all on one counter. */
    static final Gen<Command> COMMANDS = SourceDSL.integers().between(-5, 60).map(n -> new Add("c", n));

    /** A counter whose rejections depend on how often it was asked: what the laws must catch. */
    static EitherDecider<Command, Integer, Event, String> impure() {
        AtomicInteger calls = new AtomicInteger();
        return EitherDecider.of(
                0,
                (command, total) -> calls.incrementAndGet() % 3 == 0
                        ? Either.left("tired")
                        : Either.right(List.of(new Added(((Add) command).amount()))),
                (total, event) -> switch (event) {
                    case Added a -> total + a.amount();
                });
    }
}
