package io.fmodel.postgres;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Runs a saga over the event log ({@link PostgresEventStore#startSaga}): each event is reacted to, and each resulting command is sent with a command id
 * derived from the triggering event.
 *
 * <p>Delivery guarantees (in addition to those of {@link StreamProcessor}): events are delivered at least once (the
 * acknowledgement commits after the commands were sent), but a re-delivered event sends the same commands with the same
 * ids ({@link #commandId}): with an idempotent receiver such as an event-sourced aggregate on this event store
 * ({@code append_event} is idempotent per command id and stream), the effect happens exactly once. A saga is expected
 * to be pure (react), so that a re-delivery reacts with the same commands.
 *
 * {@snippet :
 * try (SagaProcessor certify = store.startSaga("certify", EventTypes.of("training", TrainingEvent.class),
 *         certificationSaga, (command, commandId) -> certificates.handle(command, commandId),
 *         StreamingOptions.defaults())) {
 *     // ... runs until closed
 * }
 * }
 */
public interface SagaProcessor extends StreamProcessor {

    /** {@return the id of the {@code index}-th command the saga of {@code view} sent for event {@code eventId}} */
    static UUID commandId(String view, UUID eventId, int index) {
        return UUID.nameUUIDFromBytes((view + "\n" + eventId + "\n" + index).getBytes(StandardCharsets.UTF_8));
    }
}
