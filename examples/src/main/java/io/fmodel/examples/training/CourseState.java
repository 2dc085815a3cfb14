package io.fmodel.examples.training;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The state of one course, as {@link Course#decider()} folds it: not opened yet, or open (or closed) with seats. */
public sealed interface CourseState {

    /** The course does not exist yet: the state before any event. */
    record Unopened() implements CourseState {}

    /**
     * An opened course.
     *
     * @param courseId the course
     * @param title its title
     * @param capacity its number of seats
     * @param seats the trainings holding a seat, in reservation order; never more than {@code capacity}
     * @param closed whether it is closed to new reservations
     */
    record Opened(String courseId, String title, int capacity, List<UUID> seats, boolean closed)
            implements CourseState {

        /** Copies the seats, so the state is immutable. */
        public Opened {
            seats = List.copyOf(seats);
        }

        /** {@return whether every seat is taken} */
        public boolean full() {
            return seats.size() >= capacity;
        }

        Opened withSeat(UUID trainingId) {
            var more = new ArrayList<>(seats);
            more.add(trainingId);
            return new Opened(courseId, title, capacity, more, closed);
        }

        Opened withoutSeat(UUID trainingId) {
            var fewer = new ArrayList<>(seats);
            fewer.remove(trainingId);
            return new Opened(courseId, title, capacity, fewer, closed);
        }

        Opened close() {
            return new Opened(courseId, title, capacity, seats, true);
        }
    }
}
