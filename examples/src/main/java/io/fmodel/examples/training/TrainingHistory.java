package io.fmodel.examples.training;

import io.fmodel.core.View;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.Rejection;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A trainee's training history: the completed trainings, and nothing else.
 *
 * <p>Only {@link TrainingCompleted} adds a row; every other event leaves the view unchanged. Stored per trainee, keyed
 * by {@link TrainingEvent#traineeOf(TrainingEvent)}; each row carries its trainee, so one state for every trainee also
 * works ({@link #of(String)}). Applying the same completion twice adds one row.
 *
 * {@snippet :
 * var view = TrainingHistory.view();
 * var history = view.evolve(view.initialState(), new TrainingCompleted(id, "alice", "JAVA-101"));
 * history.completed(); // [Row[trainingId=..., traineeId=alice, courseId=JAVA-101]]
 * }
 *
 * @param completed the completed trainings, in completion order
 */
public record TrainingHistory(List<Row> completed) {

    private static final View<TrainingHistory, TrainingEvent> VIEW =
            View.of(new TrainingHistory(List.of()), TrainingHistory::evolve);

    /** Copies the rows, so the view state is immutable. */
    public TrainingHistory {
        completed = List.copyOf(completed);
    }

    /**
     * A completed training.
     *
     * @param trainingId the training
     * @param traineeId who completed it
     * @param courseId the course
     */
    public record Row(UUID trainingId, String traineeId, String courseId) {}

    /** {@return the view; pure, starting from an empty history} */
    public static View<TrainingHistory, TrainingEvent> view() {
        return VIEW;
    }

    /** {@return the completed trainings of one trainee} */
    public List<Row> of(String traineeId) {
        return completed.stream()
                .filter(row -> row.traineeId().equals(traineeId))
                .toList();
    }

    static TrainingHistory evolve(TrainingHistory state, TrainingEvent event) {
        return switch (event) {
            case TrainingCompleted e -> state.with(new Row(e.trainingId(), e.traineeId(), e.courseId()));
            case RegistrationCreated e -> state;
            case Rejection e -> state;
            case RegistrationCancelled e -> state;
            case VideoStarted e -> state;
            case VideoFinished e -> state;
        };
    }

    private TrainingHistory with(Row row) {
        if (completed.contains(row)) {
            return this;
        }
        var rows = new ArrayList<>(completed);
        rows.add(row);
        return new TrainingHistory(rows);
    }
}
