package io.fmodel.examples.training;

import io.fmodel.core.Saga;
import io.fmodel.examples.training.CertificateCommand.IssueCertificate;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.Rejection;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import java.util.List;

/**
 * A completed training earns a certificate: {@link TrainingCompleted} reacts with {@link IssueCertificate}; every other
 * training event with nothing.
 *
 * <p>The certificate id is {@link Certificate#idFor(java.util.UUID)} of the training, so the same event always asks
 * for the same certificate: with at-least-once delivery, a re-delivered completion is rejected by the
 * {@link Certificate} decider instead of issuing a second certificate.
 *
 * {@snippet :
 * CertificationSaga.saga().react(new TrainingCompleted(trainingId, "alice", "JAVA-101"));
 * // [IssueCertificate[certificateId=Certificate.idFor(trainingId), trainingId=..., traineeId=alice, ...]]
 * }
 */
public final class CertificationSaga {

    private static final Saga<TrainingEvent, CertificateCommand> SAGA = Saga.of(CertificationSaga::react);

    private CertificationSaga() {}

    /** {@return the saga; pure} */
    public static Saga<TrainingEvent, CertificateCommand> saga() {
        return SAGA;
    }

    static List<CertificateCommand> react(TrainingEvent event) {
        return switch (event) {
            case TrainingCompleted e ->
                List.of(new IssueCertificate(
                        Certificate.idFor(e.trainingId()), e.trainingId(), e.traineeId(), e.courseId()));
            case RegistrationCreated e -> List.of();
            case Rejection e -> List.of();
            case RegistrationCancelled e -> List.of();
            case VideoStarted e -> List.of();
            case VideoFinished e -> List.of();
        };
    }
}
