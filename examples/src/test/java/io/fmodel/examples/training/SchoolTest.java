package io.fmodel.examples.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Both;
import io.fmodel.examples.training.CourseCommand.OpenCourse;
import io.fmodel.examples.training.CourseCommand.ReserveSeat;
import io.fmodel.examples.training.CourseEvent.CourseOpened;
import io.fmodel.examples.training.CourseEvent.SeatReserved;
import io.fmodel.examples.training.CourseState.Opened;
import io.fmodel.examples.training.CourseState.Unopened;
import io.fmodel.examples.training.TrainingCommand.RegisterTrainee;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingState.Active;
import io.fmodel.examples.training.TrainingState.Registered;
import io.fmodel.examples.training.TrainingState.Unregistered;
import io.fmodel.testkit.DeciderSpec;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SchoolTest {

    static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000042");
    static final LocalDate DUE = LocalDate.of(2026, 12, 31);
    static final CourseOpened OPENED = new CourseOpened("JAVA-101", "Modern Java", 1);
    static final RegistrationCreated CREATED = new RegistrationCreated(ID, "alice", "JAVA-101", DUE);

    @Test
    void a_course_command_is_decided_by_the_course_and_leaves_the_training_untouched() {
        DeciderSpec.of(School.decider())
                .when(new OpenCourse("JAVA-101", "Modern Java", 1))
                .thenEvents(OPENED)
                .thenState(Both.of(new Unregistered(), new Opened("JAVA-101", "Modern Java", 1, List.of(), false)));
    }

    @Test
    void a_training_command_is_decided_by_the_training_and_leaves_the_course_untouched() {
        DeciderSpec.of(School.decider())
                .given(OPENED)
                .when(new RegisterTrainee(ID, "alice", "JAVA-101", DUE))
                .thenEvents(CREATED)
                .thenState(Both.of(
                        new Registered(ID, "alice", "JAVA-101", DUE, new Active(), Set.of(), Set.of()),
                        new Opened("JAVA-101", "Modern Java", 1, List.of(), false)));
    }

    @Test
    void each_side_decides_against_its_own_state_only() {
        DeciderSpec.of(School.decider())
                .given(CREATED, OPENED, new SeatReserved("JAVA-101", ID))
                .when(new ReserveSeat("JAVA-101", UUID.fromString("00000000-0000-0000-0000-000000000043")))
                .thenEvents(new CourseEvent.CourseFull(
                        "JAVA-101", UUID.fromString("00000000-0000-0000-0000-000000000043"), 1));
    }

    @Test
    void the_school_starts_from_both_initial_states_and_routes_by_type() {
        var school = School.decider();

        assertThat(school.initialState()).isEqualTo(Both.of(new Unregistered(), new Unopened()));
        assertThat(school.decides(new ReserveSeat("JAVA-101", ID))).isTrue();
        assertThat(school.decides(new RegisterTrainee(ID, "alice", "JAVA-101", DUE)))
                .isTrue();
        assertThat(school.decides(new CertificateCommand.IssueCertificate(ID, ID, "alice", "JAVA-101")))
                .isFalse();
    }
}
