package io.fmodel.vavr.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fmodel.core.Decider;
import io.fmodel.core.application.InMemoryEventRepository;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.testkit.DeciderLaws;
import io.fmodel.vavr.CommandFailure;
import io.fmodel.vavr.EitherAggregate;
import io.fmodel.vavr.EitherDecider;
import io.fmodel.vavr.RejectedException;
import io.vavr.control.Either;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * The laws every {@link EitherDecider} should obey, checked with QuickTheories over sequences of commands drawn
 * from a generator you provide, as {@code DeciderLaws} does for a core decider (whose laws it checks too, on
 * {@link EitherDecider#asDecider()}). A failing law throws an {@link AssertionError} with the smallest counterexample
 * QuickTheories could shrink to.
 *
 * <p>Histories are produced by deciding the generated commands one after the other; a rejected command adds no
 * event. A command whose {@code decide} throws is skipped, as {@code DeciderLaws} does.
 *
 * {@snippet :
 * EitherDeciderLaws.of(counter, integers().between(-50, 150).map(n -> (CounterCommand) new Add("c", n))).all();
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 * @param <R> rejection type
 */
public final class EitherDeciderLaws<C, S, E, R> {

    private static final int MAX_COMMANDS = 20;

    private final EitherDecider<C, S, E, R> decider;
    private final Gen<C> commands;
    private final int examples;

    private EitherDeciderLaws(EitherDecider<C, S, E, R> decider, Gen<C> commands, int examples) {
        this.decider = decider;
        this.commands = commands;
        this.examples = examples;
    }

    /** {@return the laws of {@code decider}, over sequences of up to 20 commands from {@code commands}} */
    public static <C, S, E, R> EitherDeciderLaws<C, S, E, R> of(EitherDecider<C, S, E, R> decider, Gen<C> commands) {
        return new EitherDeciderLaws<>(Objects.requireNonNull(decider), Objects.requireNonNull(commands), 500);
    }

    /** {@return these laws checked on {@code examples} generated examples each (default 500)} */
    public EitherDeciderLaws<C, S, E, R> withExamples(int examples) {
        return new EitherDeciderLaws<>(decider, commands, examples);
    }

    /** Checks every law of this class, and the core decider laws of {@link EitherDecider#asDecider()}. */
    public void all() {
        asDeciderAgrees();
        rejectedCommandsChangeNothing();
        aggregateAppendsExactlyWhatIsDecided();
        DeciderLaws.of(decider.asDecider(), commands).withExamples(examples).all();
    }

    /**
     * Law: the core conversion agrees with the decider: where it decides {@code Right(events)}, {@code asDecider()}
     * decides {@code events}; where it decides {@code Left(r)}, {@code asDecider()} throws a
     * {@link RejectedException} whose rejection is {@code r}.
     */
    public void asDeciderAgrees() {
        Decider<C, S, E> core = decider.asDecider();
        theory().forAll(lists().of(commands).ofSizeBetween(0, MAX_COMMANDS)).checkAssert(sequence -> {
            S state = decider.initialState();
            assertThat(core.initialState()).as("initial state of asDecider()").isEqualTo(state);
            for (C command : sequence) {
                Either<R, List<E>> decided = decideOrNull(command, state);
                if (decided == null) {
                    continue;
                }
                if (decided.isLeft()) {
                    S before = state;
                    assertThat(catchRejection(core, command, state))
                            .as("asDecider() deciding %s in state %s", command, before)
                            .isNotNull()
                            .extracting(RejectedException::rejection)
                            .isEqualTo(decided.getLeft());
                } else {
                    assertThat(core.decide(command, state))
                            .as("asDecider() deciding %s in state %s", command, state)
                            .isEqualTo(decided.get());
                    state = fold(state, decided.get());
                }
            }
        });
    }

    /**
     * Law: a rejection is a no-op: deciding a sequence without its rejected commands decides the same events and
     * reaches the same state.
     */
    public void rejectedCommandsChangeNothing() {
        theory().forAll(lists().of(commands).ofSizeBetween(0, MAX_COMMANDS)).checkAssert(sequence -> {
            Run<C, S, E> whole = run(sequence);
            Run<C, S, E> accepted = run(whole.accepted());
            assertThat(accepted.events())
                    .as("events without the rejected commands vs with them")
                    .isEqualTo(whole.events());
            assertThat(accepted.state())
                    .as("state without the rejected commands vs with them")
                    .isEqualTo(whole.state());
        });
    }

    /**
     * Law: an {@link EitherAggregate} of the decider, on an in-memory stream, returns {@code Right} of the events the
     * decider decides and appends exactly them; for a command the decider rejects it returns
     * {@link CommandFailure.Rejected} with the same rejection and appends nothing.
     */
    public void aggregateAppendsExactlyWhatIsDecided() {
        theory().forAll(lists().of(commands).ofSizeBetween(0, MAX_COMMANDS)).checkAssert(sequence -> {
            InMemoryEventRepository<C, E> repository = InMemoryEventRepository.of(command -> "law");
            EitherAggregate<C, S, E, R> aggregate = EitherAggregate.of(decider, repository);
            S state = decider.initialState();
            List<E> expected = new ArrayList<>();
            for (C command : sequence) {
                Either<R, List<E>> decided = decideOrNull(command, state);
                if (decided == null) {
                    continue;
                }
                Either<CommandFailure<C, R>, List<E>> handled = aggregate.handle(command);
                if (decided.isLeft()) {
                    assertThat(handled.isLeft() ? handled.getLeft() : handled.get())
                            .as(
                                    "the aggregate handling %s, rejected by the decider with %s",
                                    command, decided.getLeft())
                            .isInstanceOfSatisfying(
                                    CommandFailure.Rejected.class,
                                    rejected -> assertThat(rejected.rejection()).isEqualTo(decided.getLeft()));
                } else {
                    assertThat(handled).as("the aggregate handling %s", command).isEqualTo(Either.right(decided.get()));
                    expected.addAll(decided.get());
                    state = fold(state, decided.get());
                }
                assertThat(repository.stream("law").stream()
                                .map(StoredEvent::event)
                                .toList())
                        .as("the stream after %s", command)
                        .isEqualTo(expected);
            }
        });
    }

    private record Run<C, S, E>(List<C> accepted, List<E> events, S state) {}

    private Run<C, S, E> run(List<C> sequence) {
        S state = decider.initialState();
        List<C> accepted = new ArrayList<>();
        List<E> events = new ArrayList<>();
        for (C command : sequence) {
            Either<R, List<E>> decided = decideOrNull(command, state);
            if (decided == null) {
                accepted.add(command); // not a rejection: kept, and decides nothing again
                continue;
            }
            if (decided.isRight()) {
                accepted.add(command);
                events.addAll(decided.get());
                state = fold(state, decided.get());
            }
        }
        return new Run<>(List.copyOf(accepted), List.copyOf(events), state);
    }

    /**
     * {@return what the decider decides, or null when {@code decide} throws: a thrown exception is a bug of the
     * command, not a rejection, and the laws are about rejections; the command is skipped}
     */
    private @Nullable Either<R, List<E>> decideOrNull(C command, S state) {
        try {
            return decider.decide(command, state);
        } catch (RuntimeException thrown) {
            return null;
        }
    }

    private static <C, S, E> @Nullable RejectedException catchRejection(Decider<C, S, E> core, C command, S state) {
        try {
            core.decide(command, state);
            return null;
        } catch (RejectedException rejected) {
            return rejected;
        }
    }

    private S fold(S from, List<E> events) {
        S state = from;
        for (E event : events) {
            state = decider.evolve(state, event);
        }
        return state;
    }

    private QuickTheory theory() {
        return qt().withExamples(examples);
    }
}
