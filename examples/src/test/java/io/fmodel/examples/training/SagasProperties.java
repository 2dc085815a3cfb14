package io.fmodel.examples.training;

import static io.fmodel.examples.training.TrainingGenerators.histories;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fmodel.examples.training.CertificateEvent.CertificateIssued;
import io.fmodel.examples.training.CourseCommand.ReleaseSeat;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SagasProperties {

    @Test
    void every_completed_training_earns_exactly_one_certificate_even_when_every_event_is_delivered_twice() {
        qt().forAll(histories()).checkAssert(history -> {
            var certificates = Certificate.decider();
            Map<UUID, CertificateState> states = new HashMap<>();
            List<CertificateIssued> issued = new ArrayList<>();
            for (var event : history) {
                for (int delivery = 0; delivery < 2; delivery++) {
                    for (var command : CertificationSaga.saga().react(event)) {
                        var state = states.getOrDefault(command.certificateId(), certificates.initialState());
                        for (var result : certificates.decide(command, state)) {
                            state = certificates.evolve(state, result);
                            if (result instanceof CertificateIssued i) {
                                issued.add(i);
                            }
                        }
                        states.put(command.certificateId(), state);
                    }
                }
            }

            var completed = history.stream()
                    .filter(TrainingCompleted.class::isInstance)
                    .map(TrainingEvent::trainingId)
                    .toList();
            assertThat(issued).extracting(CertificateIssued::trainingId).isEqualTo(completed);
            assertThat(issued)
                    .allSatisfy(i -> assertThat(i.certificateId()).isEqualTo(Certificate.idFor(i.trainingId())));
        });
    }

    @Test
    void every_cancelled_registration_releases_the_seat_of_its_course_and_nothing_else_does() {
        qt().forAll(histories()).checkAssert(history -> {
            var releases = history.stream()
                    .flatMap(event -> SeatReleaseSaga.saga().react(event).stream())
                    .toList();
            var expected = history.stream()
                    .filter(RegistrationCancelled.class::isInstance)
                    .map(RegistrationCancelled.class::cast)
                    .map(c -> (CourseCommand) new ReleaseSeat(c.courseId(), c.trainingId()))
                    .toList();

            assertThat(releases).isEqualTo(expected);
        });
    }
}
