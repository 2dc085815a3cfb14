package io.fmodel.examples.training;

import static io.fmodel.examples.training.TrainingGenerators.histories;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fmodel.examples.training.AvailableTrainings.Row;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AvailableTrainingsProperties {

    @Test
    void the_rows_are_the_registrations_neither_cancelled_nor_completed() {
        qt().forAll(histories()).checkAssert(history -> {
            var expected = new LinkedHashSet<UUID>();
            for (var event : history) {
                if (event instanceof RegistrationCreated created) {
                    expected.add(created.trainingId());
                } else if (event instanceof RegistrationCancelled || event instanceof TrainingCompleted) {
                    expected.remove(event.trainingId());
                }
            }

            assertThat(replay(history).trainings()).extracting(Row::trainingId).containsExactlyElementsOf(expected);
        });
    }

    @Test
    void the_view_stored_per_trainee_equals_the_trainees_rows_of_the_view_of_everyone() {
        qt().forAll(histories()).checkAssert(history -> {
            var everyone = replay(history);
            TraineeReplays.byTrainee(history)
                    .forEach((trainee, events) ->
                            assertThat(replay(events).trainings()).isEqualTo(everyone.of(trainee)));
        });
    }

    private static AvailableTrainings replay(List<TrainingEvent> events) {
        return TraineeReplays.replay(AvailableTrainings.view(), events);
    }
}
