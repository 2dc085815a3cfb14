package io.fmodel.examples.training;

import io.fmodel.core.Decider;
import io.fmodel.examples.training.TrainingCommand.CancelRegistration;
import io.fmodel.examples.training.TrainingCommand.CompleteTraining;
import io.fmodel.examples.training.TrainingCommand.FinishVideo;
import io.fmodel.examples.training.TrainingCommand.RegisterTrainee;
import io.fmodel.examples.training.TrainingCommand.StartVideo;
import io.fmodel.examples.training.TrainingEvent.CancellationRejected;
import io.fmodel.examples.training.TrainingEvent.CompletionRejected;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.RegistrationRejected;
import io.fmodel.examples.training.TrainingEvent.Rejection;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinishRejected;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStartRejected;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import io.fmodel.examples.training.TrainingState.Active;
import io.fmodel.examples.training.TrainingState.Cancelled;
import io.fmodel.examples.training.TrainingState.Completed;
import io.fmodel.examples.training.TrainingState.Registered;
import io.fmodel.examples.training.TrainingState.Unregistered;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The training decider: a trainee's registration for a course, from registration to completion or cancellation.
 *
 * <p>Every command is answered by exactly one event: the change it makes, or a {@link TrainingEvent.Rejection} that
 * says why it makes no sense in the current state (and leaves the state unchanged). An admin may cancel a
 * registration only until the trainee starts watching, so when an admin cancels while the trainee starts a video,
 * whichever command is decided second (against the state the first one left) is rejected.
 *
 * {@snippet :
 * var decider = Training.decider();
 * var registered = decider.evolve(decider.initialState(), new RegistrationCreated(id, "alice", "JAVA-101", due));
 * var cancelled = decider.evolve(registered, new RegistrationCancelled(id, "alice", "JAVA-101", "bob", "duplicate"));
 * decider.decide(new StartVideo(id, "intro"), cancelled);
 * // [VideoStartRejected[..., reason=registration was cancelled by admin bob: duplicate]]
 * }
 */
public final class Training {

    static final String NOT_REGISTERED = "no such registration";
    static final String ALREADY_COMPLETED = "training is already completed";

    private static final Decider<TrainingCommand, TrainingState, TrainingEvent> DECIDER =
            Decider.of(new Unregistered(), Training::decide, Training::evolve);

    private Training() {}

    /** {@return the training decider; pure, starting from {@link Unregistered}} */
    public static Decider<TrainingCommand, TrainingState, TrainingEvent> decider() {
        return DECIDER;
    }

    static List<TrainingEvent> decide(TrainingCommand command, TrainingState state) {
        return List.of(
                switch (command) {
                    case RegisterTrainee register -> register(register, state);
                    case CancelRegistration cancel -> cancel(cancel, state);
                    case StartVideo start -> startVideo(start, state);
                    case FinishVideo finish -> finishVideo(finish, state);
                    case CompleteTraining complete -> complete(complete, state);
                });
    }

    private static TrainingEvent register(RegisterTrainee c, TrainingState state) {
        return switch (state) {
            case Unregistered none -> new RegistrationCreated(c.trainingId(), c.traineeId(), c.courseId(), c.dueDate());
            case Registered r ->
                new RegistrationRejected(
                        c.trainingId(), "training is already registered for " + r.traineeId() + " on " + r.courseId());
        };
    }

    private static TrainingEvent cancel(CancelRegistration c, TrainingState state) {
        return switch (state) {
            case Unregistered none -> new CancellationRejected(c.trainingId(), NOT_REGISTERED);
            case Registered r ->
                switch (r.status()) {
                    case Active active
                    when r.started() ->
                        new CancellationRejected(
                                c.trainingId(),
                                "the trainee has already started watching; a started training cannot be cancelled");
                    case Active active ->
                        new RegistrationCancelled(c.trainingId(), r.traineeId(), r.courseId(), c.adminId(), c.reason());
                    case Cancelled cancelled -> new CancellationRejected(c.trainingId(), cancelled.explanation());
                    case Completed completed -> new CancellationRejected(c.trainingId(), ALREADY_COMPLETED);
                };
        };
    }

    private static TrainingEvent startVideo(StartVideo c, TrainingState state) {
        return switch (state) {
            case Unregistered none -> new VideoStartRejected(c.trainingId(), c.videoId(), NOT_REGISTERED);
            case Registered r ->
                switch (r.status()) {
                    case Active active
                    when r.videosInProgress().contains(c.videoId()) ->
                        new VideoStartRejected(c.trainingId(), c.videoId(), "video is already in progress");
                    case Active active -> new VideoStarted(c.trainingId(), c.videoId());
                    case Cancelled cancelled ->
                        new VideoStartRejected(c.trainingId(), c.videoId(), cancelled.explanation());
                    case Completed completed -> new VideoStartRejected(c.trainingId(), c.videoId(), ALREADY_COMPLETED);
                };
        };
    }

    private static TrainingEvent finishVideo(FinishVideo c, TrainingState state) {
        return switch (state) {
            case Unregistered none -> new VideoFinishRejected(c.trainingId(), c.videoId(), NOT_REGISTERED);
            case Registered r ->
                switch (r.status()) {
                    case Active active
                    when !r.videosInProgress().contains(c.videoId()) ->
                        new VideoFinishRejected(c.trainingId(), c.videoId(), "video was not started");
                    case Active active -> new VideoFinished(c.trainingId(), c.videoId());
                    case Cancelled cancelled ->
                        new VideoFinishRejected(c.trainingId(), c.videoId(), cancelled.explanation());
                    case Completed completed -> new VideoFinishRejected(c.trainingId(), c.videoId(), ALREADY_COMPLETED);
                };
        };
    }

    private static TrainingEvent complete(CompleteTraining c, TrainingState state) {
        return switch (state) {
            case Unregistered none -> new CompletionRejected(c.trainingId(), NOT_REGISTERED);
            case Registered r ->
                switch (r.status()) {
                    case Active active
                    when r.videosWatched().isEmpty() ->
                        new CompletionRejected(c.trainingId(), "no video has been watched yet");
                    case Active active
                    when !r.videosInProgress().isEmpty() ->
                        new CompletionRejected(c.trainingId(), "videos still in progress: " + inProgress(r));
                    case Active active -> new TrainingCompleted(c.trainingId(), r.traineeId(), r.courseId());
                    case Cancelled cancelled -> new CompletionRejected(c.trainingId(), cancelled.explanation());
                    case Completed completed -> new CompletionRejected(c.trainingId(), ALREADY_COMPLETED);
                };
        };
    }

    private static String inProgress(Registered r) {
        return String.join(", ", r.videosInProgress().stream().sorted().toList());
    }

    static TrainingState evolve(TrainingState state, TrainingEvent event) {
        return switch (event) {
            case RegistrationCreated e ->
                new Registered(
                        e.trainingId(), e.traineeId(), e.courseId(), e.dueDate(), new Active(), Set.of(), Set.of());
            case RegistrationCancelled e -> update(state, r -> r.withStatus(new Cancelled(e.adminId(), e.reason())));
            case VideoStarted e -> update(state, r -> r.withVideoStarted(e.videoId()));
            case VideoFinished e -> update(state, r -> r.withVideoFinished(e.videoId()));
            case TrainingCompleted e -> update(state, r -> r.withStatus(new Completed()));
            case Rejection e -> state;
        };
    }

    // Events are only ever decided against a registration, so an unregistered state never meets them.
    private static TrainingState update(TrainingState state, UnaryOperator<Registered> change) {
        return switch (state) {
            case Unregistered none -> none;
            case Registered r -> change.apply(r);
        };
    }
}
