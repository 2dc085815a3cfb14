package io.fmodel.examples.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.examples.training.AvailableTrainings.Row;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import io.fmodel.testkit.ViewSpec;
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
        ViewSpec.of(AvailableTrainings.view())
                .given(ALICE_JAVA, ALICE_SQL)
                .thenState(new AvailableTrainings(
                        List.of(new Row(JAVA, "alice", "JAVA-101", DUE), new Row(SQL, "alice", "SQL-201", DUE))));
    }

    @Test
    void a_cancelled_registration_is_no_longer_available() {
        ViewSpec.of(AvailableTrainings.view())
                .given(
                        ALICE_JAVA,
                        ALICE_SQL,
                        new RegistrationCancelled(JAVA, "alice", "JAVA-101", "bob", "booked twice"))
                .thenState(new AvailableTrainings(List.of(new Row(SQL, "alice", "SQL-201", DUE))));
    }

    @Test
    void a_completed_training_is_no_longer_available() {
        ViewSpec.of(AvailableTrainings.view())
                .given(ALICE_JAVA, ALICE_SQL, new TrainingCompleted(SQL, "alice", "SQL-201"))
                .thenState(new AvailableTrainings(List.of(new Row(JAVA, "alice", "JAVA-101", DUE))));
    }

    @Test
    void watching_videos_changes_nothing() {
        ViewSpec.of(AvailableTrainings.view())
                .given(ALICE_JAVA, new VideoStarted(JAVA, "intro"), new VideoFinished(JAVA, "intro"))
                .thenState(new AvailableTrainings(List.of(new Row(JAVA, "alice", "JAVA-101", DUE))));
    }

    @Test
    void a_redelivered_registration_adds_one_row() {
        ViewSpec.of(AvailableTrainings.view())
                .given(ALICE_JAVA, ALICE_JAVA)
                .thenState(new AvailableTrainings(List.of(new Row(JAVA, "alice", "JAVA-101", DUE))));
    }

    @Test
    void the_rows_of_one_trainee_are_picked_from_a_view_of_everyone() {
        var view = AvailableTrainings.view();
        var everyone = view.evolve(view.evolve(view.evolve(view.initialState(), ALICE_JAVA), BOB_JAVA), ALICE_SQL);

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
