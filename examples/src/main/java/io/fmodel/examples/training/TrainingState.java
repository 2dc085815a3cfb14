package io.fmodel.examples.training;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The state of one training, as {@link Training#decider()} folds it from its events: either nothing yet, or a
 * registration with its status and the videos started and watched.
 */
public sealed interface TrainingState {

    /** No registration yet: the state before any event. */
    record Unregistered() implements TrainingState {}

    /**
     * A trainee's registration for a course.
     *
     * @param trainingId the training
     * @param traineeId who takes it
     * @param courseId the course
     * @param dueDate when it is due
     * @param status active, cancelled or completed
     * @param videosInProgress videos started and not finished since
     * @param videosWatched videos finished at least once
     */
    record Registered(
            UUID trainingId,
            String traineeId,
            String courseId,
            LocalDate dueDate,
            Status status,
            Set<String> videosInProgress,
            Set<String> videosWatched)
            implements TrainingState {

        /** Copies the sets, so the state is immutable. */
        public Registered {
            videosInProgress = Set.copyOf(videosInProgress);
            videosWatched = Set.copyOf(videosWatched);
        }

        /** {@return whether the trainee has started any video} */
        public boolean started() {
            return !videosInProgress.isEmpty() || !videosWatched.isEmpty();
        }

        Registered withStatus(Status newStatus) {
            return new Registered(trainingId, traineeId, courseId, dueDate, newStatus, videosInProgress, videosWatched);
        }

        Registered withVideoStarted(String videoId) {
            var inProgress = new HashSet<>(videosInProgress);
            inProgress.add(videoId);
            return new Registered(trainingId, traineeId, courseId, dueDate, status, inProgress, videosWatched);
        }

        Registered withVideoFinished(String videoId) {
            var inProgress = new HashSet<>(videosInProgress);
            inProgress.remove(videoId);
            var watched = new HashSet<>(videosWatched);
            watched.add(videoId);
            return new Registered(trainingId, traineeId, courseId, dueDate, status, inProgress, watched);
        }
    }

    /** Where a registration stands. */
    sealed interface Status {}

    /** The trainee can watch videos and complete the training. */
    record Active() implements Status {}

    /**
     * An admin cancelled the registration.
     *
     * @param adminId who cancelled
     * @param reason why
     */
    record Cancelled(String adminId, String reason) implements Status {

        /** {@return a sentence for the trainee: who cancelled and why} */
        public String explanation() {
            return "registration was cancelled by admin " + adminId + ": " + reason;
        }
    }

    /** The training was completed. */
    record Completed() implements Status {}
}
