package io.fmodel.examples.training;

import io.fmodel.core.Saga;
import io.fmodel.examples.training.CourseCommand.ReleaseSeat;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.Rejection;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import java.util.List;

/**
 * A cancelled registration gives its seat back: {@link RegistrationCancelled} reacts with {@link ReleaseSeat} on the
 * registration's course; every other training event with nothing.
 *
 * <p>Releasing a seat that is not held decides nothing in {@link Course}, so a re-delivered cancellation is harmless.
 *
 * {@snippet :
 * SeatReleaseSaga.saga().react(new RegistrationCancelled(trainingId, "alice", "JAVA-101", "bob", "duplicate"));
 * // [ReleaseSeat[courseId=JAVA-101, trainingId=...]]
 * }
 */
public final class SeatReleaseSaga {

    private static final Saga<TrainingEvent, CourseCommand> SAGA = Saga.of(SeatReleaseSaga::react);

    private SeatReleaseSaga() {}

    /** {@return the saga; pure} */
    public static Saga<TrainingEvent, CourseCommand> saga() {
        return SAGA;
    }

    static List<CourseCommand> react(TrainingEvent event) {
        return switch (event) {
            case RegistrationCancelled e -> List.of(new ReleaseSeat(e.courseId(), e.trainingId()));
            case RegistrationCreated e -> List.of();
            case Rejection e -> List.of();
            case VideoStarted e -> List.of();
            case VideoFinished e -> List.of();
            case TrainingCompleted e -> List.of();
        };
    }
}
