package io.fmodel.examples.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Decider;
import io.fmodel.examples.training.CertificateCommand.IssueCertificate;
import io.fmodel.examples.training.CertificateEvent.CertificateIssued;
import io.fmodel.examples.training.CertificateEvent.CertificateRejected;
import io.fmodel.examples.training.CertificateState.Issued;
import io.fmodel.examples.training.CertificateState.NotIssued;
import io.fmodel.testkit.DeciderSpec;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CertificateTest {

    static final UUID TRAINING = UUID.fromString("00000000-0000-0000-0000-000000000042");
    static final UUID CERTIFICATE = Certificate.idFor(TRAINING);
    static final IssueCertificate ISSUE = new IssueCertificate(CERTIFICATE, TRAINING, "alice", "JAVA-101");
    static final CertificateIssued ISSUED = new CertificateIssued(CERTIFICATE, TRAINING, "alice", "JAVA-101");

    final Decider<CertificateCommand, CertificateState, CertificateEvent> certificate = Certificate.decider();

    @Test
    void issuing_a_certificate_issues_it() {
        DeciderSpec.of(certificate)
                .when(ISSUE)
                .thenEvents(ISSUED)
                .thenState(new Issued(CERTIFICATE, TRAINING, "alice", "JAVA-101"));
    }

    @Test
    void issuing_an_issued_certificate_again_is_rejected_and_changes_nothing() {
        DeciderSpec.of(certificate)
                .given(ISSUED)
                .when(ISSUE)
                .thenEvents(new CertificateRejected(CERTIFICATE, "certificate is already issued"))
                .thenState(new Issued(CERTIFICATE, TRAINING, "alice", "JAVA-101"));
    }

    @Test
    void the_state_before_any_event_is_not_issued() {
        assertThat(certificate.initialState()).isEqualTo(new NotIssued());
    }

    @Test
    void the_certificate_id_of_a_training_is_always_the_same_and_differs_between_trainings() {
        assertThat(Certificate.idFor(TRAINING)).isEqualTo(CERTIFICATE);
        assertThat(Certificate.idFor(UUID.fromString("00000000-0000-0000-0000-000000000043")))
                .isNotEqualTo(CERTIFICATE);
    }
}
