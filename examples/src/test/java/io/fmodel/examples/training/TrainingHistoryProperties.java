package io.fmodel.examples.training;

import static io.fmodel.examples.training.TrainingGenerators.histories;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingHistory.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrainingHistoryProperties {

    @Test
    void the_history_contains_exactly_the_completed_trainings_in_completion_order() {
        qt().forAll(histories()).checkAssert(history -> {
            var completed = history.stream()
                    .filter(TrainingCompleted.class::isInstance)
                    .map(TrainingCompleted.class::cast)
                    .map(c -> new Row(c.trainingId(), c.traineeId(), c.courseId()))
                    .toList();

            assertThat(replay(history).completed()).isEqualTo(completed);
        });
    }

    @Test
    void the_history_stored_per_trainee_equals_the_trainees_rows_of_the_history_of_everyone() {
        qt().forAll(histories()).checkAssert(history -> {
            var everyone = replay(history);
            Map<String, List<TrainingEvent>> byTrainee = history.stream()
                    .filter(event -> TrainingEvent.traineeOf(event).isPresent())
                    .collect(Collectors.groupingBy(
                            event -> TrainingEvent.traineeOf(event).orElseThrow(),
                            Collectors.toCollection(ArrayList::new)));

            byTrainee.forEach(
                    (trainee, events) -> assertThat(replay(events).completed()).isEqualTo(everyone.of(trainee)));
        });
    }

    private static TrainingHistory replay(List<TrainingEvent> events) {
        var view = TrainingHistory.view();
        var state = view.initialState();
        for (var event : events) {
            state = view.evolve(state, event);
        }
        return state;
    }
}
