package io.fmodel.examples.training;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.fmodel.examples.training.CourseEvent.SeatReleased;
import io.fmodel.examples.training.CourseEvent.SeatReservationRejected;
import io.fmodel.examples.training.CourseEvent.SeatReserved;
import io.fmodel.examples.training.CourseState.Opened;
import io.fmodel.examples.training.CourseState.Unopened;
import io.fmodel.testkit.DeciderSpec;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CourseTest {

    static final String JAVA = "JAVA-101";
    static final UUID FIRST = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID SECOND = UUID.fromString("00000000-0000-0000-0000-000000000002");
    static final CourseOpened OPENED_WITH_ONE_SEAT = new CourseOpened(JAVA, "Modern Java", 1);
    static final SeatReserved FIRST_RESERVED = new SeatReserved(JAVA, FIRST);

    final Decider<CourseCommand, CourseState, CourseEvent> course = Course.decider();

    @Test
    void opening_a_course_opens_it_with_its_capacity() {
        DeciderSpec.of(course).when(new OpenCourse(JAVA, "Modern Java", 1)).thenEvents(OPENED_WITH_ONE_SEAT);
    }

    @Test
    void opening_a_course_without_seats_is_rejected() {
        DeciderSpec.of(course)
                .when(new OpenCourse(JAVA, "Modern Java", 0))
                .thenEvents(new CourseOpeningRejected(JAVA, "capacity must be at least 1, was 0"));
    }

    @Test
    void opening_an_open_course_again_is_rejected() {
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT)
                .when(new OpenCourse(JAVA, "Modern Java", 5))
                .thenEvents(new CourseOpeningRejected(JAVA, "course is already open"));
    }

    @Test
    void a_training_reserves_a_free_seat() {
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT)
                .when(new ReserveSeat(JAVA, FIRST))
                .thenEvents(FIRST_RESERVED);
    }

    @Test
    void reserving_a_seat_when_every_seat_is_taken_is_rejected_as_full() {
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT, FIRST_RESERVED)
                .when(new ReserveSeat(JAVA, SECOND))
                .thenEvents(new CourseFull(JAVA, SECOND, 1));
    }

    @Test
    void a_full_course_is_a_rejection_with_a_reason_for_the_user() {
        CourseEvent full = new CourseFull(JAVA, SECOND, 3);

        assertThat(full).isInstanceOfSatisfying(CourseEvent.Rejection.class, rejection -> assertThat(rejection.reason())
                .isEqualTo("course is full (3 seats)"));
    }

    @Test
    void reserving_a_seat_the_training_already_holds_decides_nothing() {
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT, FIRST_RESERVED)
                .when(new ReserveSeat(JAVA, FIRST))
                .thenEvents();
    }

    @Test
    void reserving_a_seat_in_a_course_that_does_not_exist_is_rejected() {
        DeciderSpec.of(course)
                .when(new ReserveSeat(JAVA, FIRST))
                .thenEvents(new SeatReservationRejected(JAVA, FIRST, "no such course"));
    }

    @Test
    void reserving_a_seat_in_a_closed_course_is_rejected() {
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT, new CourseClosed(JAVA))
                .when(new ReserveSeat(JAVA, FIRST))
                .thenEvents(new SeatReservationRejected(JAVA, FIRST, "course is closed"));
    }

    @Test
    void releasing_a_held_seat_frees_it_for_another_training() {
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT, FIRST_RESERVED)
                .when(new ReleaseSeat(JAVA, FIRST))
                .thenEvents(new SeatReleased(JAVA, FIRST));
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT, FIRST_RESERVED, new SeatReleased(JAVA, FIRST))
                .when(new ReserveSeat(JAVA, SECOND))
                .thenEvents(new SeatReserved(JAVA, SECOND));
    }

    @Test
    void releasing_a_seat_that_is_not_held_decides_nothing() {
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT)
                .when(new ReleaseSeat(JAVA, FIRST))
                .thenEvents();
        DeciderSpec.of(course).when(new ReleaseSeat(JAVA, FIRST)).thenEvents();
    }

    @Test
    void closing_an_open_course_closes_it_and_keeps_its_seats() {
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT, FIRST_RESERVED)
                .when(new CloseCourse(JAVA))
                .thenEvents(new CourseClosed(JAVA))
                .thenState(new Opened(JAVA, "Modern Java", 1, List.of(FIRST), true));
    }

    @Test
    void closing_a_course_that_does_not_exist_is_rejected() {
        DeciderSpec.of(course)
                .when(new CloseCourse(JAVA))
                .thenEvents(new CourseClosingRejected(JAVA, "no such course"));
    }

    @Test
    void closing_a_closed_course_is_rejected() {
        DeciderSpec.of(course)
                .given(OPENED_WITH_ONE_SEAT, new CourseClosed(JAVA))
                .when(new CloseCourse(JAVA))
                .thenEvents(new CourseClosingRejected(JAVA, "course is already closed"));
    }

    @Test
    void the_state_before_any_event_is_unopened_and_rejections_leave_a_state_unchanged() {
        var open = course.evolve(course.evolve(course.initialState(), OPENED_WITH_ONE_SEAT), FIRST_RESERVED);
        List<CourseEvent> rejections = List.of(
                new CourseOpeningRejected(JAVA, "r"),
                new CourseFull(JAVA, SECOND, 1),
                new SeatReservationRejected(JAVA, SECOND, "r"),
                new CourseClosingRejected(JAVA, "r"));

        assertThat(course.initialState()).isEqualTo(new Unopened());
        assertThat(rejections).allSatisfy(rejection -> assertThat(course.evolve(open, rejection))
                .isEqualTo(open));
    }
}
