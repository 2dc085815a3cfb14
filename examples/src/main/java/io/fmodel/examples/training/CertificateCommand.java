package io.fmodel.examples.training;

import java.util.UUID;

/**
 * A command addressed to one certificate; {@link #certificateId()} names its stream.
 *
 * {@snippet :
 * CertificateCommand issue =
 *         new CertificateCommand.IssueCertificate(Certificate.idFor(trainingId), trainingId, "alice", "JAVA-101");
 * }
 */
public sealed interface CertificateCommand {

    /** {@return the certificate this command addresses} */
    UUID certificateId();

    /**
     * Issues the certificate of a completed training.
     *
     * @param certificateId the certificate, usually {@link Certificate#idFor(UUID)} of the training
     * @param trainingId the completed training
     * @param traineeId who earned it
     * @param courseId for which course
     */
    record IssueCertificate(UUID certificateId, UUID trainingId, String traineeId, String courseId)
            implements CertificateCommand {}
}
