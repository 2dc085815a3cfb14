package io.fmodel.examples.training;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/**
 * Something that happened to one training, {@link #trainingId()} names its stream. Rejections are events too
 * ({@link Rejection}): they record a command that was refused and why, and leave the training's state unchanged.
 *
 * {@snippet :
 * if (event instanceof TrainingEvent.Rejection rejected) {
 *     System.out.println("refused: " + rejected.reason());
 * }
 * }
 */
public sealed interface TrainingEvent extends SchoolEvent {

    /** {@return the training this event belongs to} */
    UUID trainingId();

    /** A refused command: records why, and leaves the training's state unchanged. */
    sealed interface Rejection extends TrainingEvent {

        /** {@return why the command was refused, a sentence for the user} */
        String reason();
    }

    /**
     * {@return the trainee an event is about, for the events that change a trainee's views (creation, cancellation,
     * completion); empty for the others} Views are stored per trainee, so this is their key.
     */
    static Optional<String> traineeOf(TrainingEvent event) {
        return switch (event) {
            case RegistrationCreated created -> Optional.of(created.traineeId());
            case RegistrationCancelled cancelled -> Optional.of(cancelled.traineeId());
            case TrainingCompleted completed -> Optional.of(completed.traineeId());
            case VideoStarted started -> Optional.empty();
            case VideoFinished finished -> Optional.empty();
            case Rejection rejected -> Optional.empty();
        };
    }

    /**
     * A trainee was registered for a course.
     *
     * @param trainingId the training
     * @param traineeId who takes it
     * @param courseId the course
     * @param dueDate when it is due; stored as an ISO-8601 string ({@link IsoDate})
     */
    record RegistrationCreated(
            UUID trainingId,
            String traineeId,
            String courseId,

            @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = IsoDate.class)
            LocalDate dueDate)
            implements TrainingEvent {}

    /**
     * A registration was refused.
     *
     * @param trainingId the training
     * @param reason why
     */
    record RegistrationRejected(UUID trainingId, String reason) implements Rejection {}

    /**
     * An admin cancelled a registration.
     *
     * @param trainingId the training
     * @param traineeId whose registration it was
     * @param courseId the course it was for
     * @param adminId who cancelled
     * @param reason why
     */
    record RegistrationCancelled(UUID trainingId, String traineeId, String courseId, String adminId, String reason)
            implements TrainingEvent {}

    /**
     * A cancellation was refused.
     *
     * @param trainingId the training
     * @param reason why
     */
    record CancellationRejected(UUID trainingId, String reason) implements Rejection {}

    /**
     * The trainee started a video.
     *
     * @param trainingId the training
     * @param videoId the video
     */
    record VideoStarted(UUID trainingId, String videoId) implements TrainingEvent {}

    /**
     * Starting a video was refused.
     *
     * @param trainingId the training
     * @param videoId the video
     * @param reason why
     */
    record VideoStartRejected(UUID trainingId, String videoId, String reason) implements Rejection {}

    /**
     * The trainee finished a video.
     *
     * @param trainingId the training
     * @param videoId the video
     */
    record VideoFinished(UUID trainingId, String videoId) implements TrainingEvent {}

    /**
     * Finishing a video was refused.
     *
     * @param trainingId the training
     * @param videoId the video
     * @param reason why
     */
    record VideoFinishRejected(UUID trainingId, String videoId, String reason) implements Rejection {}

    /**
     * The training was completed.
     *
     * @param trainingId the training
     * @param traineeId who completed it
     * @param courseId the course
     */
    record TrainingCompleted(UUID trainingId, String traineeId, String courseId) implements TrainingEvent {}

    /**
     * Completing the training was refused.
     *
     * @param trainingId the training
     * @param reason why
     */
    record CompletionRejected(UUID trainingId, String reason) implements Rejection {}
}
