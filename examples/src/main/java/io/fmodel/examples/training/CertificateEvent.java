package io.fmodel.examples.training;

import java.util.UUID;

/** Something that happened to one certificate; {@link #certificateId()} names its stream. */
public sealed interface CertificateEvent {

    /** {@return the certificate this event belongs to} */
    UUID certificateId();

    /** A refused command: records why, and leaves the certificate's state unchanged. */
    sealed interface Rejection extends CertificateEvent {

        /** {@return why the command was refused, a sentence for the user} */
        String reason();
    }

    /**
     * A certificate was issued.
     *
     * @param certificateId the certificate
     * @param trainingId the completed training
     * @param traineeId who earned it
     * @param courseId for which course
     */
    record CertificateIssued(UUID certificateId, UUID trainingId, String traineeId, String courseId)
            implements CertificateEvent {}

    /**
     * Issuing was refused, for example because the certificate was already issued.
     *
     * @param certificateId the certificate
     * @param reason why
     */
    record CertificateRejected(UUID certificateId, String reason) implements Rejection {}
}
