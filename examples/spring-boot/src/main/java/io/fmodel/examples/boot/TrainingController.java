package io.fmodel.examples.boot;

import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.examples.training.TrainingCommand;
import io.fmodel.examples.training.TrainingEvent;
import io.fmodel.examples.training.TrainingState;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.ViewStates;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Commands by POST (an {@code Idempotency-Key} header makes a retried request append nothing twice), the view by GET
 * (eventually consistent: the view catches up within milliseconds).
 */
@RestController
class TrainingController {
    private final EventSourcingAggregate<TrainingCommand, TrainingState, TrainingEvent> trainings;
    private final ViewStates<TrainingApplication.TrainingStatus> statuses;

    TrainingController(
            EventSourcingAggregate<TrainingCommand, TrainingState, TrainingEvent> trainings, PostgresEventStore store) {
        this.trainings = trainings;
        this.statuses = store.viewStates("training_status", TrainingApplication.TrainingStatus.class);
    }

    record Registration(String traineeId, String courseId, LocalDate dueDate) {}

    record Cancellation(String adminId, String reason) {}

    @PostMapping("/trainings/{id}/registration")
    List<TrainingEvent> register(
            @PathVariable UUID id,
            @RequestBody Registration body,
            @RequestHeader(name = "Idempotency-Key", required = false) UUID key) {
        return handle(new TrainingCommand.RegisterTrainee(id, body.traineeId(), body.courseId(), body.dueDate()), key);
    }

    @PostMapping("/trainings/{id}/cancellation")
    List<TrainingEvent> cancel(
            @PathVariable UUID id,
            @RequestBody Cancellation body,
            @RequestHeader(name = "Idempotency-Key", required = false) UUID key) {
        return handle(new TrainingCommand.CancelRegistration(id, body.adminId(), body.reason()), key);
    }

    @GetMapping("/trainings/{id}")
    ResponseEntity<TrainingApplication.TrainingStatus> status(@PathVariable UUID id) {
        return ResponseEntity.of(statuses.find(id.toString()));
    }

    private List<TrainingEvent> handle(TrainingCommand command, UUID key) {
        return key == null ? trainings.handle(command) : trainings.handle(command, key);
    }
}
