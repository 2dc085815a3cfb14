package io.fmodel.examples.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.examples.training.CertificateCommand.IssueCertificate;
import io.fmodel.examples.training.CourseCommand.ReleaseSeat;
import io.fmodel.examples.training.TrainingEvent.CancellationRejected;
import io.fmodel.examples.training.TrainingEvent.CompletionRejected;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.RegistrationRejected;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinishRejected;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStartRejected;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import io.fmodel.testkit.SagaSpec;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SagasTest {

    static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000042");
    static final TrainingCompleted COMPLETED = new TrainingCompleted(ID, "alice", "JAVA-101");
    static final RegistrationCancelled CANCELLED =
            new RegistrationCancelled(ID, "alice", "JAVA-101", "bob", "booked twice");
    static final List<TrainingEvent> OTHER_EVENTS = List.of(
            new RegistrationCreated(ID, "alice", "JAVA-101", LocalDate.of(2026, 12, 31)),
            new RegistrationRejected(ID, "r"),
            new CancellationRejected(ID, "r"),
            new VideoStarted(ID, "intro"),
            new VideoStartRejected(ID, "intro", "r"),
            new VideoFinished(ID, "intro"),
            new VideoFinishRejected(ID, "intro", "r"),
            new CompletionRejected(ID, "r"));

    @Test
    void a_completed_training_issues_its_certificate() {
        SagaSpec.of(CertificationSaga.saga())
                .when(COMPLETED)
                .thenActions(new IssueCertificate(Certificate.idFor(ID), ID, "alice", "JAVA-101"));
    }

    @Test
    void a_redelivered_completion_asks_for_the_same_certificate() {
        assertThat(CertificationSaga.saga().react(COMPLETED))
                .isEqualTo(CertificationSaga.saga().react(COMPLETED));
    }

    @Test
    void no_other_training_event_issues_a_certificate() {
        assertThat(OTHER_EVENTS)
                .allSatisfy(event ->
                        SagaSpec.of(CertificationSaga.saga()).when(event).thenActions());
        SagaSpec.of(CertificationSaga.saga()).when(CANCELLED).thenActions();
    }

    @Test
    void a_cancelled_registration_releases_its_seat() {
        SagaSpec.of(SeatReleaseSaga.saga()).when(CANCELLED).thenActions(new ReleaseSeat("JAVA-101", ID));
    }

    @Test
    void no_other_training_event_releases_a_seat() {
        assertThat(OTHER_EVENTS)
                .allSatisfy(
                        event -> SagaSpec.of(SeatReleaseSaga.saga()).when(event).thenActions());
        SagaSpec.of(SeatReleaseSaga.saga()).when(COMPLETED).thenActions();
    }
}
