package io.fmodel.examples.training;

import static io.fmodel.examples.training.TrainingGenerators.issueCertificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.fmodel.examples.training.CertificateEvent.CertificateIssued;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateProperties {

    @Test
    void issuing_a_certificate_any_number_of_times_issues_it_once() {
        qt().forAll(issueCertificates(), integers().between(1, 6)).checkAssert((issue, times) -> {
            var decider = Certificate.decider();
            var state = decider.initialState();
            List<CertificateEvent> events = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                for (var event : decider.decide(issue, state)) {
                    state = decider.evolve(state, event);
                    events.add(event);
                }
            }

            assertThat(events).hasSize(times);
            assertThat(events).filteredOn(CertificateIssued.class::isInstance).hasSize(1);
            assertThat(events.getFirst())
                    .isEqualTo(new CertificateIssued(
                            issue.certificateId(), issue.trainingId(), issue.traineeId(), issue.courseId()));
        });
    }
}
