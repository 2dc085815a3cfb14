package io.fmodel.examples.training;

import java.time.LocalDate;
import java.util.UUID;

/**
 * A command addressed to one training (a trainee's registration for a course); {@link #trainingId()} names its
 * stream.
 *
 * {@snippet :
 * TrainingCommand register = new TrainingCommand.RegisterTrainee(trainingId, "alice", "JAVA-101", dueDate);
 * }
 */
public sealed interface TrainingCommand extends SchoolCommand {

    /** {@return the training this command addresses} */
    UUID trainingId();

    /**
     * Registers a trainee for a course, to be completed by the due date.
     *
     * @param trainingId the new training
     * @param traineeId who takes the training
     * @param courseId the course taken
     * @param dueDate the date by which the training should be completed
     */
    record RegisterTrainee(UUID trainingId, String traineeId, String courseId, LocalDate dueDate)
            implements TrainingCommand {}

    /**
     * An admin cancels a registration; only possible before the trainee starts watching.
     *
     * @param trainingId the training to cancel
     * @param adminId the admin who cancels
     * @param reason why, shown to the trainee
     */
    record CancelRegistration(UUID trainingId, String adminId, String reason) implements TrainingCommand {}

    /**
     * The trainee starts (or restarts) a video.
     *
     * @param trainingId the training
     * @param videoId the video
     */
    record StartVideo(UUID trainingId, String videoId) implements TrainingCommand {}

    /**
     * The trainee finishes a video they started.
     *
     * @param trainingId the training
     * @param videoId the video
     */
    record FinishVideo(UUID trainingId, String videoId) implements TrainingCommand {}

    /**
     * Completes a training: at least one video watched and none still in progress.
     *
     * @param trainingId the training
     */
    record CompleteTraining(UUID trainingId) implements TrainingCommand {}
}
