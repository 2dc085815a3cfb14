package io.fmodel.testkit;

import io.fmodel.core.Decider;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** A counter limited to 100, and a light switch: the domains the test kit's tests specify. */
final class Counter {

    private Counter() {}

    sealed interface Command permits Add {}

    record Add(int amount) implements Command {}

    sealed interface Event permits Added, AddRejected {}

    record Added(int amount) implements Event {}

    record AddRejected(int amount) implements Event {}

    record Toggle() {}

    record Toggled(boolean on) {}

    record Reached(int total) {}

    record Celebrate(int total) {}

    static final Decider<Command, Integer, Event> DECIDER = Decider.of(
            0,
            (command, count) -> switch (command) {
                case Add a when a.amount() < 0 -> throw new IllegalArgumentException("negative amount");
                case Add a when count + a.amount() > 100 -> List.of(new AddRejected(a.amount()));
                case Add a -> List.of(new Added(a.amount()));
            },
            (count, event) -> switch (event) {
                case Added a -> count + a.amount();
                case AddRejected r -> count;
            });

    static final Decider<Toggle, Boolean, Toggled> SWITCH =
            Decider.of(false, (toggle, on) -> List.of(new Toggled(!on)), (on, toggled) -> toggled.on());

    static final View<Integer, Event> TOTAL = View.of(0, (total, event) -> switch (event) {
        case Added a -> total + a.amount();
        case AddRejected r -> total;
    });

    static final Saga<Reached, Celebrate> CELEBRATE =
            Saga.of(reached -> reached.total() >= 100 ? List.of(new Celebrate(reached.total())) : List.of());

    static final Gen<Command> COMMANDS = SourceDSL.integers().between(-5, 60).map(n -> (Command) new Add(n));

    /** A decider that is not a pure function: {@code evolve} depends on how often it was called before. */
    static Decider<Command, Integer, Event> impure() {
        AtomicInteger calls = new AtomicInteger();
        return Decider.of(0, DECIDER::decide, (count, event) -> DECIDER.evolve(count, event) + calls.incrementAndGet());
    }
}
