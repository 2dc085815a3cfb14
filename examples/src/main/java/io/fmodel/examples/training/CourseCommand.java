package io.fmodel.examples.training;

import java.util.UUID;

/**
 * A command addressed to one course; {@link #courseId()} names its stream.
 *
 * {@snippet :
 * CourseCommand open = new CourseCommand.OpenCourse("JAVA-101", "Modern Java", 20);
 * }
 */
public sealed interface CourseCommand extends SchoolCommand {

    /** {@return the course this command addresses} */
    String courseId();

    /**
     * Opens a course with a number of seats.
     *
     * @param courseId the course code, for example {@code "JAVA-101"}
     * @param title its title
     * @param capacity how many trainings can hold a seat at once; at least 1
     */
    record OpenCourse(String courseId, String title, int capacity) implements CourseCommand {}

    /**
     * Reserves a seat for a training; reserving a seat the training already holds changes nothing.
     *
     * @param courseId the course
     * @param trainingId the training that takes the seat
     */
    record ReserveSeat(String courseId, UUID trainingId) implements CourseCommand {}

    /**
     * Gives a training's seat back; releasing a seat the training does not hold changes nothing.
     *
     * @param courseId the course
     * @param trainingId the training that held the seat
     */
    record ReleaseSeat(String courseId, UUID trainingId) implements CourseCommand {}

    /**
     * Closes a course to new reservations; seats already reserved are kept.
     *
     * @param courseId the course
     */
    record CloseCourse(String courseId) implements CourseCommand {}
}
