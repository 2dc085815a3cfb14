package io.fmodel.examples.training;

import static io.fmodel.examples.training.TrainingGenerators.histories;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingHistory.Row;
import java.util.List;
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
            TraineeReplays.byTrainee(history)
                    .forEach((trainee, events) ->
                            assertThat(replay(events).completed()).isEqualTo(everyone.of(trainee)));
        });
    }

    private static TrainingHistory replay(List<TrainingEvent> events) {
        return TraineeReplays.replay(TrainingHistory.view(), events);
    }
}
