package io.fmodel.examples.training;

import io.fmodel.core.Decider;
import io.fmodel.examples.training.CourseCommand.CloseCourse;
import io.fmodel.examples.training.CourseCommand.OpenCourse;
import io.fmodel.examples.training.CourseCommand.ReleaseSeat;
import io.fmodel.examples.training.CourseCommand.ReserveSeat;
import io.fmodel.examples.training.CourseEvent.CourseClosed;
import io.fmodel.examples.training.CourseEvent.CourseClosingRejected;
import io.fmodel.examples.training.CourseEvent.CourseFull;
import io.fmodel.examples.training.CourseEvent.CourseOpened;
import io.fmodel.examples.training.CourseEvent.CourseOpeningRejected;
import io.fmodel.examples.training.CourseEvent.Rejection;
import io.fmodel.examples.training.CourseEvent.SeatReleased;
import io.fmodel.examples.training.CourseEvent.SeatReservationRejected;
import io.fmodel.examples.training.CourseEvent.SeatReserved;
import io.fmodel.examples.training.CourseState.Opened;
import io.fmodel.examples.training.CourseState.Unopened;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The course decider: a course with a limited number of seats, reserved by trainings.
 *
 * <p>Guarantees: the seats reserved never exceed the capacity (a reservation beyond it is answered with
 * {@link CourseFull}); reserving a seat already held and releasing a seat not held decide nothing (an empty list),
 * so a saga may deliver them more than once. Rejections leave the state unchanged.
 *
 * {@snippet :
 * var decider = Course.decider();
 * var open = decider.evolve(decider.initialState(), new CourseOpened("JAVA-101", "Modern Java", 1));
 * var taken = decider.evolve(open, new SeatReserved("JAVA-101", first));
 * decider.decide(new ReserveSeat("JAVA-101", second), taken); // [CourseFull[courseId=JAVA-101, ..., capacity=1]]
 * }
 */
public final class Course {

    static final String NO_SUCH_COURSE = "no such course";
    static final String CLOSED = "course is closed";

    private static final Decider<CourseCommand, CourseState, CourseEvent> DECIDER =
            Decider.of(new Unopened(), Course::decide, Course::evolve);

    private Course() {}

    /** {@return the course decider; pure, starting from {@link Unopened}} */
    public static Decider<CourseCommand, CourseState, CourseEvent> decider() {
        return DECIDER;
    }

    static List<CourseEvent> decide(CourseCommand command, CourseState state) {
        return switch (command) {
            case OpenCourse c -> List.of(open(c, state));
            case ReserveSeat c -> reserve(c, state);
            case ReleaseSeat c -> release(c, state);
            case CloseCourse c -> List.of(close(c, state));
        };
    }

    private static CourseEvent open(OpenCourse c, CourseState state) {
        return switch (state) {
            case Unopened none
            when c.capacity() < 1 ->
                new CourseOpeningRejected(c.courseId(), "capacity must be at least 1, was " + c.capacity());
            case Unopened none -> new CourseOpened(c.courseId(), c.title(), c.capacity());
            case Opened opened -> new CourseOpeningRejected(c.courseId(), "course is already open");
        };
    }

    private static List<CourseEvent> reserve(ReserveSeat c, CourseState state) {
        return switch (state) {
            case Unopened none -> List.of(new SeatReservationRejected(c.courseId(), c.trainingId(), NO_SUCH_COURSE));
            case Opened o when o.seats().contains(c.trainingId()) -> List.of();
            case Opened o when o.closed() -> List.of(new SeatReservationRejected(c.courseId(), c.trainingId(), CLOSED));
            case Opened o when o.full() -> List.of(new CourseFull(c.courseId(), c.trainingId(), o.capacity()));
            case Opened o -> List.of(new SeatReserved(c.courseId(), c.trainingId()));
        };
    }

    private static List<CourseEvent> release(ReleaseSeat c, CourseState state) {
        return switch (state) {
            case Opened o
            when o.seats().contains(c.trainingId()) -> List.of(new SeatReleased(c.courseId(), c.trainingId()));
            case Opened o -> List.of();
            case Unopened none -> List.of();
        };
    }

    private static CourseEvent close(CloseCourse c, CourseState state) {
        return switch (state) {
            case Unopened none -> new CourseClosingRejected(c.courseId(), NO_SUCH_COURSE);
            case Opened o when o.closed() -> new CourseClosingRejected(c.courseId(), "course is already closed");
            case Opened o -> new CourseClosed(c.courseId());
        };
    }

    static CourseState evolve(CourseState state, CourseEvent event) {
        return switch (event) {
            case CourseOpened e -> new Opened(e.courseId(), e.title(), e.capacity(), List.of(), false);
            case SeatReserved e -> update(state, o -> o.withSeat(e.trainingId()));
            case SeatReleased e -> update(state, o -> o.withoutSeat(e.trainingId()));
            case CourseClosed e -> update(state, Opened::close);
            case Rejection e -> state;
        };
    }

    // Seat and closing events are only ever decided against an opened course.
    private static CourseState update(CourseState state, UnaryOperator<Opened> change) {
        return switch (state) {
            case Unopened none -> none;
            case Opened o -> change.apply(o);
        };
    }
}
