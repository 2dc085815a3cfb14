package io.fmodel.examples.training;

import java.util.UUID;

/** Something that happened to one course; {@link #courseId()} names its stream. Rejections change nothing. */
public sealed interface CourseEvent extends SchoolEvent {

    /** {@return the course this event belongs to} */
    String courseId();

    /** A refused command: records why, and leaves the course's state unchanged. */
    sealed interface Rejection extends CourseEvent {

        /** {@return why the command was refused, a sentence for the user} */
        String reason();
    }

    /**
     * A course was opened.
     *
     * @param courseId the course
     * @param title its title
     * @param capacity its number of seats
     */
    record CourseOpened(String courseId, String title, int capacity) implements CourseEvent {}

    /**
     * Opening a course was refused.
     *
     * @param courseId the course
     * @param reason why
     */
    record CourseOpeningRejected(String courseId, String reason) implements Rejection {}

    /**
     * A training took a seat.
     *
     * @param courseId the course
     * @param trainingId the training
     */
    record SeatReserved(String courseId, UUID trainingId) implements CourseEvent {}

    /**
     * A reservation was refused because every seat is taken.
     *
     * @param courseId the course
     * @param trainingId the training that asked
     * @param capacity the course's number of seats
     */
    record CourseFull(String courseId, UUID trainingId, int capacity) implements Rejection {

        @Override
        public String reason() {
            return "course is full (" + capacity + " seats)";
        }
    }

    /**
     * A reservation was refused for another reason than a full course.
     *
     * @param courseId the course
     * @param trainingId the training that asked
     * @param reason why
     */
    record SeatReservationRejected(String courseId, UUID trainingId, String reason) implements Rejection {}

    /**
     * A training gave its seat back.
     *
     * @param courseId the course
     * @param trainingId the training
     */
    record SeatReleased(String courseId, UUID trainingId) implements CourseEvent {}

    /**
     * A course was closed to new reservations.
     *
     * @param courseId the course
     */
    record CourseClosed(String courseId) implements CourseEvent {}

    /**
     * Closing a course was refused.
     *
     * @param courseId the course
     * @param reason why
     */
    record CourseClosingRejected(String courseId, String reason) implements Rejection {}
}
