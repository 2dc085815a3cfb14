package io.fmodel.examples.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import io.fmodel.examples.training.TrainingHistory.Row;
import io.fmodel.testkit.ViewSpec;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TrainingHistoryTest {

    static final UUID JAVA = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID SQL = UUID.fromString("00000000-0000-0000-0000-000000000002");
    static final LocalDate DUE = LocalDate.of(2026, 12, 31);

    @Test
    void the_history_starts_empty() {
        ViewSpec.of(TrainingHistory.view()).thenState(new TrainingHistory(List.of()));
    }

    @Test
    void a_completed_training_enters_the_history() {
        ViewSpec.of(TrainingHistory.view())
                .given(
                        new RegistrationCreated(JAVA, "alice", "JAVA-101", DUE),
                        new VideoStarted(JAVA, "intro"),
                        new VideoFinished(JAVA, "intro"),
                        new TrainingCompleted(JAVA, "alice", "JAVA-101"))
                .thenState(new TrainingHistory(List.of(new Row(JAVA, "alice", "JAVA-101"))));
    }

    @Test
    void registered_and_cancelled_trainings_never_enter_the_history() {
        ViewSpec.of(TrainingHistory.view())
                .given(
                        new RegistrationCreated(JAVA, "alice", "JAVA-101", DUE),
                        new RegistrationCreated(SQL, "alice", "SQL-201", DUE),
                        new RegistrationCancelled(SQL, "alice", "SQL-201", "bob", "booked twice"))
                .thenState(new TrainingHistory(List.of()));
    }

    @Test
    void a_redelivered_completion_adds_one_row() {
        var completed = new TrainingCompleted(JAVA, "alice", "JAVA-101");

        ViewSpec.of(TrainingHistory.view())
                .given(completed, completed)
                .thenState(new TrainingHistory(List.of(new Row(JAVA, "alice", "JAVA-101"))));
    }

    @Test
    void the_history_of_one_trainee_is_picked_from_a_history_of_everyone() {
        var view = TrainingHistory.view();
        var everyone = view.evolve(
                view.evolve(view.initialState(), new TrainingCompleted(JAVA, "alice", "JAVA-101")),
                new TrainingCompleted(SQL, "bob", "SQL-201"));

        assertThat(everyone.of("bob")).containsExactly(new Row(SQL, "bob", "SQL-201"));
    }
}
