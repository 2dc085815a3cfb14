package io.fmodel.examples.training;

import static io.fmodel.examples.training.TrainingGenerators.courseCommands;
import static io.fmodel.examples.training.TrainingGenerators.issueCertificates;
import static io.fmodel.examples.training.TrainingGenerators.schoolCommands;
import static io.fmodel.examples.training.TrainingGenerators.trainingCommands;
import static io.fmodel.examples.training.TrainingGenerators.trainingEvents;

import io.fmodel.testkit.DeciderLaws;
import io.fmodel.testkit.ViewLaws;
import org.junit.jupiter.api.Test;

/**
 * The test kit's laws, for every decider and view of the domain: event-sourced and state-stored computation agree,
 * folding in two parts equals folding whole, mapping with identity changes nothing; and the {@link School} routes
 * each command to its side.
 */
class LawsProperties {

    @Test
    void the_training_decider_obeys_the_decider_laws() {
        DeciderLaws.of(Training.decider(), trainingCommands()).all();
    }

    @Test
    void the_course_decider_obeys_the_decider_laws() {
        DeciderLaws.of(Course.decider(), courseCommands("JAVA-101")).all();
    }

    @Test
    void the_certificate_decider_obeys_the_decider_laws() {
        DeciderLaws.of(Certificate.decider(), issueCertificates().map(issue -> (CertificateCommand) issue))
                .all();
    }

    @Test
    void the_school_decider_obeys_the_decider_laws() {
        DeciderLaws.of(School.decider(), schoolCommands()).all();
    }

    @Test
    void combining_training_and_course_routes_each_command_to_its_side() {
        DeciderLaws.combineRoutesEachCommandToItsSide(
                Training.decider().routed(TrainingCommand.class, TrainingEvent.class),
                trainingCommands(),
                Course.decider().routed(CourseCommand.class, CourseEvent.class),
                courseCommands("JAVA-101"));
    }

    @Test
    void the_available_trainings_view_obeys_the_view_laws() {
        ViewLaws.of(AvailableTrainings.view(), trainingEvents()).all();
    }

    @Test
    void the_training_history_view_obeys_the_view_laws() {
        ViewLaws.of(TrainingHistory.view(), trainingEvents()).all();
    }
}
