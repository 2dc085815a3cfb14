package io.fmodel.examples.training;

import static io.fmodel.examples.training.Spec.project;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.examples.training.AvailableTrainings.Row;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AvailableTrainingsTest {

    static final UUID JAVA = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID SQL = UUID.fromString("00000000-0000-0000-0000-000000000002");
    static final UUID BOBS = UUID.fromString("00000000-0000-0000-0000-000000000003");
    static final LocalDate DUE = LocalDate.of(2026, 12, 31);

    static final RegistrationCreated ALICE_JAVA = new RegistrationCreated(JAVA, "alice", "JAVA-101", DUE);
    static final RegistrationCreated ALICE_SQL = new RegistrationCreated(SQL, "alice", "SQL-201", DUE);
    static final RegistrationCreated BOB_JAVA = new RegistrationCreated(BOBS, "bob", "JAVA-101", DUE);

    @Test
    void a_registration_adds_a_training_the_trainee_can_take() {
        assertThat(project(AvailableTrainings.view(), List.of(ALICE_JAVA, ALICE_SQL)))
                .isEqualTo(new AvailableTrainings(
                        List.of(new Row(JAVA, "alice", "JAVA-101", DUE), new Row(SQL, "alice", "SQL-201", DUE))));
    }

    @Test
    void a_cancelled_registration_is_no_longer_available() {
        assertThat(project(
                                AvailableTrainings.view(),
                                List.of(
                                        ALICE_JAVA,
                                        ALICE_SQL,
                                        new RegistrationCancelled(JAVA, "alice", "JAVA-101", "bob", "booked twice")))
                        .trainings())
                .containsExactly(new Row(SQL, "alice", "SQL-201", DUE));
    }

    @Test
    void a_completed_training_is_no_longer_available() {
        assertThat(project(
                                AvailableTrainings.view(),
                                List.of(ALICE_JAVA, ALICE_SQL, new TrainingCompleted(SQL, "alice", "SQL-201")))
                        .trainings())
                .containsExactly(new Row(JAVA, "alice", "JAVA-101", DUE));
    }

    @Test
    void watching_videos_changes_nothing() {
        var before = project(AvailableTrainings.view(), List.of(ALICE_JAVA));

        assertThat(AvailableTrainings.view().evolve(before, new VideoStarted(JAVA, "intro")))
                .isEqualTo(before);
    }

    @Test
    void a_redelivered_registration_adds_one_row() {
        assertThat(project(AvailableTrainings.view(), List.of(ALICE_JAVA, ALICE_JAVA))
                        .trainings())
                .hasSize(1);
    }

    @Test
    void the_rows_of_one_trainee_are_picked_from_a_view_of_everyone() {
        var everyone = project(AvailableTrainings.view(), List.of(ALICE_JAVA, BOB_JAVA, ALICE_SQL));

        assertThat(everyone.of("bob")).containsExactly(new Row(BOBS, "bob", "JAVA-101", DUE));
        assertThat(everyone.of("alice")).extracting(Row::trainingId).containsExactly(JAVA, SQL);
    }

    @Test
    void events_that_change_a_trainees_views_are_keyed_by_the_trainee_and_others_have_no_key() {
        assertThat(TrainingEvent.traineeOf(ALICE_JAVA)).contains("alice");
        assertThat(TrainingEvent.traineeOf(new TrainingCompleted(BOBS, "bob", "JAVA-101")))
                .contains("bob");
        assertThat(TrainingEvent.traineeOf(new VideoStarted(JAVA, "intro"))).isEqualTo(Optional.empty());
    }
}
