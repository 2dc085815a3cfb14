package io.fmodel.examples.training;

import java.util.UUID;

/** The state of one certificate, as {@link Certificate#decider()} folds it: not issued yet, or issued. */
public sealed interface CertificateState {

    /** Not issued yet: the state before any event. */
    record NotIssued() implements CertificateState {}

    /**
     * An issued certificate.
     *
     * @param certificateId the certificate
     * @param trainingId the completed training
     * @param traineeId who earned it
     * @param courseId for which course
     */
    record Issued(UUID certificateId, UUID trainingId, String traineeId, String courseId) implements CertificateState {}
}
