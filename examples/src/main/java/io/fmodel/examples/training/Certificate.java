package io.fmodel.examples.training;

import io.fmodel.core.Decider;
import io.fmodel.examples.training.CertificateCommand.IssueCertificate;
import io.fmodel.examples.training.CertificateEvent.CertificateIssued;
import io.fmodel.examples.training.CertificateEvent.CertificateRejected;
import io.fmodel.examples.training.CertificateEvent.Rejection;
import io.fmodel.examples.training.CertificateState.Issued;
import io.fmodel.examples.training.CertificateState.NotIssued;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The certificate decider: a certificate is issued at most once.
 *
 * <p>Issuing an issued certificate again is answered with {@link CertificateRejected} and changes nothing. Together
 * with {@link #idFor(UUID)}, which derives the certificate id from the training id, this makes a re-delivered
 * {@code TrainingCompleted} harmless: it addresses the same certificate, which is already issued.
 *
 * {@snippet :
 * var issue = new IssueCertificate(Certificate.idFor(trainingId), trainingId, "alice", "JAVA-101");
 * Certificate.decider().decide(issue, new NotIssued()); // [CertificateIssued[...]]
 * }
 */
public final class Certificate {

    static final String ALREADY_ISSUED = "certificate is already issued";

    private static final Decider<CertificateCommand, CertificateState, CertificateEvent> DECIDER =
            Decider.of(new NotIssued(), Certificate::decide, Certificate::evolve);

    private Certificate() {}

    /** {@return the certificate decider; pure, starting from {@link NotIssued}} */
    public static Decider<CertificateCommand, CertificateState, CertificateEvent> decider() {
        return DECIDER;
    }

    /** {@return the id of the certificate a training earns: always the same for the same training} */
    public static UUID idFor(UUID trainingId) {
        return UUID.nameUUIDFromBytes(("certificate/" + trainingId).getBytes(StandardCharsets.UTF_8));
    }

    static List<CertificateEvent> decide(CertificateCommand command, CertificateState state) {
        return switch (command) {
            case IssueCertificate c ->
                switch (state) {
                    case NotIssued none ->
                        List.of(new CertificateIssued(c.certificateId(), c.trainingId(), c.traineeId(), c.courseId()));
                    case Issued issued -> List.of(new CertificateRejected(c.certificateId(), ALREADY_ISSUED));
                };
        };
    }

    static CertificateState evolve(CertificateState state, CertificateEvent event) {
        return switch (event) {
            case CertificateIssued e -> new Issued(e.certificateId(), e.trainingId(), e.traineeId(), e.courseId());
            case Rejection e -> state;
        };
    }
}
