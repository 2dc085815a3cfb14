package io.fmodel.postgres.reliability;

import io.fmodel.core.Decider;
import io.fmodel.core.View;
import io.fmodel.postgres.EventTypes;
import java.util.List;

/**
 * The domain of the fault and load suite: tallies that count what is added to them. Each event carries its position
 * in the stream ({@code n}) and a random nonce, so that a lost, duplicated or reordered event shows in the view.
 */
final class Tally {

    private Tally() {}

    static final String DECIDER = "tally";

    sealed interface TallyCommand permits Add, Close {}

    record Add(String stream, long nonce) implements TallyCommand {}

    record Close(String stream) implements TallyCommand {}

    sealed interface TallyEvent permits Added, Closed {}

    record Added(String stream, long n, long nonce) implements TallyEvent {}

    record Closed(String stream) implements TallyEvent {}

    /** The view state: how many events were applied, the last n, the sum of the nonces, and whether n was 1, 2, 3... */
    record Total(long count, long lastN, long sum, boolean ordered) {}

    static EventTypes<TallyEvent> types() {
        return EventTypes.of(DECIDER, TallyEvent.class);
    }

    static String streamOf(TallyCommand command) {
        return switch (command) {
            case Add add -> add.stream();
            case Close close -> close.stream();
        };
    }

    static String streamOf(TallyEvent event) {
        return switch (event) {
            case Added added -> added.stream();
            case Closed closed -> closed.stream();
        };
    }

    /** The state is the number of events: the next Added is n + 1. */
    static final Decider<TallyCommand, Long, TallyEvent> TALLY = Decider.<TallyCommand, Long, TallyEvent>of(
            0L,
            (command, n) -> switch (command) {
                case Add add -> List.of(new Added(add.stream(), n + 1, add.nonce()));
                case Close close -> List.of(new Closed(close.stream()));
            },
            (n, event) -> switch (event) {
                case Added added -> added.n();
                case Closed closed -> n;
            });

    static final View<Total, TallyEvent> TOTALS = View.of(new Total(0, 0, 0, true), (total, event) -> switch (event) {
        case Added added ->
            new Total(
                    total.count() + 1,
                    added.n(),
                    total.sum() + added.nonce(),
                    total.ordered() && added.n() == total.lastN() + 1);
        case Closed closed -> total;
    });
}
