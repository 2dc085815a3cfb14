package io.fmodel.examples.boot;

import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.examples.training.Training;
import io.fmodel.examples.training.TrainingCommand;
import io.fmodel.examples.training.TrainingEvent;
import io.fmodel.examples.training.TrainingState;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.spring.FmodelMetrics;
import io.fmodel.spring.ManagedProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The training domain as a Spring Boot application: the starter configures the store from {@code spring.datasource.*},
 * installs the schema, runs the {@code training-status} view as a lifecycle bean and measures it; the commands come
 * over HTTP ({@link TrainingController}).
 */
@SpringBootApplication
public class TrainingApplication {

    static final EventTypes<TrainingEvent> TYPES = EventTypes.of("training", TrainingEvent.class);

    /** One status per training: what its last accepted event says. */
    public record TrainingStatus(String status, String traineeId) {
        static final TrainingStatus NONE = new TrainingStatus("unregistered", "");
    }

    static final View<TrainingStatus, TrainingEvent> STATUS =
            View.of(TrainingStatus.NONE, (TrainingStatus status, TrainingEvent event) -> switch (event) {
                case TrainingEvent.RegistrationCreated r -> new TrainingStatus("registered", r.traineeId());
                case TrainingEvent.RegistrationCancelled c -> new TrainingStatus("cancelled", c.traineeId());
                case TrainingEvent.VideoStarted v -> new TrainingStatus("watching", status.traineeId());
                case TrainingEvent.VideoFinished v -> new TrainingStatus("registered", status.traineeId());
                case TrainingEvent.TrainingCompleted t -> new TrainingStatus("completed", t.traineeId());
                case TrainingEvent.Rejection r -> status;
            });

    /** Runs the application. */
    public static void main(String[] args) {
        SpringApplication.run(TrainingApplication.class, args);
    }

    @Bean
    EventSourcingAggregate<TrainingCommand, TrainingState, TrainingEvent> trainings(
            PostgresEventStore store, FmodelMetrics metrics) {
        return metrics.commands(
                "training", EventSourcingAggregate.of(Training.decider(), store.repository(TYPES, c -> c.trainingId()
                        .toString())));
    }

    @Bean
    ManagedProcessor trainingStatus() {
        return ManagedProcessor.of(
                "training-status",
                (store, options) -> store.startView(
                        "training-status",
                        TYPES,
                        STATUS,
                        store.jsonbViewStore(
                                "training_status", e -> e.trainingId().toString(), TrainingStatus.class),
                        options));
    }
}
