package io.fmodel.examples.training;

import io.fmodel.core.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the properties of the per-trainee views share: folding a history, and splitting it by trainee. */
final class TraineeReplays {

    private TraineeReplays() {}

    /** {@return the state of {@code view} after {@code events}, from its initial state} */
    static <S> S replay(View<S, TrainingEvent> view, List<TrainingEvent> events) {
        var state = view.initialState();
        for (var event : events) {
            state = view.evolve(state, event);
        }
        return state;
    }

    /** {@return the events of {@code history} that have a trainee, by trainee, each in history order} */
    static Map<String, List<TrainingEvent>> byTrainee(List<TrainingEvent> history) {
        return history.stream()
                .filter(event -> TrainingEvent.traineeOf(event).isPresent())
                .collect(Collectors.groupingBy(
                        event -> TrainingEvent.traineeOf(event).orElseThrow(),
                        Collectors.toCollection(ArrayList::new)));
    }
}
