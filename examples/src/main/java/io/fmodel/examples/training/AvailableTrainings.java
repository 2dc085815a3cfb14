package io.fmodel.examples.training;

import io.fmodel.core.View;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.Rejection;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The trainings a trainee can take: a registration adds a row, a cancellation or a completion removes it.
 *
 * <p>Stored per trainee: the key of an event is {@link TrainingEvent#traineeOf(TrainingEvent)}, and events without
 * one leave the view unchanged. Each row carries its trainee too, so folding the events of every trainee into one
 * state also works ({@link #of(String)} picks one trainee's rows). Applying an event twice changes nothing more.
 *
 * {@snippet :
 * var view = AvailableTrainings.view();
 * var rows = view.evolve(view.initialState(), new RegistrationCreated(id, "alice", "JAVA-101", due));
 * rows.trainings(); // [Row[trainingId=..., traineeId=alice, courseId=JAVA-101, dueDate=...]]
 * }
 *
 * @param trainings the rows, in registration order
 */
public record AvailableTrainings(List<Row> trainings) {

    private static final View<AvailableTrainings, TrainingEvent> VIEW =
            View.of(new AvailableTrainings(List.of()), AvailableTrainings::evolve);

    /** Copies the rows, so the view state is immutable. */
    public AvailableTrainings {
        trainings = List.copyOf(trainings);
    }

    /**
     * A training a trainee can take.
     *
     * @param trainingId the training
     * @param traineeId who can take it
     * @param courseId the course
     * @param dueDate when it is due
     */
    public record Row(UUID trainingId, String traineeId, String courseId, LocalDate dueDate) {}

    /** {@return the view; pure, starting from no rows} */
    public static View<AvailableTrainings, TrainingEvent> view() {
        return VIEW;
    }

    /** {@return the rows of one trainee} */
    public List<Row> of(String traineeId) {
        return trainings.stream()
                .filter(row -> row.traineeId().equals(traineeId))
                .toList();
    }

    static AvailableTrainings evolve(AvailableTrainings state, TrainingEvent event) {
        return switch (event) {
            case RegistrationCreated e -> state.with(new Row(e.trainingId(), e.traineeId(), e.courseId(), e.dueDate()));
            case RegistrationCancelled e -> state.without(e.trainingId());
            case TrainingCompleted e -> state.without(e.trainingId());
            case Rejection e -> state;
            case VideoStarted e -> state;
            case VideoFinished e -> state;
        };
    }

    private AvailableTrainings with(Row row) {
        var rows = new ArrayList<>(without(row.trainingId()).trainings());
        rows.add(row);
        return new AvailableTrainings(rows);
    }

    private AvailableTrainings without(UUID trainingId) {
        return new AvailableTrainings(trainings.stream()
                .filter(row -> !row.trainingId().equals(trainingId))
                .toList());
    }
}
