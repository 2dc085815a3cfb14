package io.fmodel.postgres;

import io.fmodel.core.Saga;
import io.fmodel.postgres.internal.EventDecoder;
import io.fmodel.postgres.internal.Json;
import io.fmodel.postgres.internal.StreamRunner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Runs a saga over the event log: each event is reacted to, and each resulting command is sent with a command id
 * derived from the triggering event.
 *
 * <p>Delivery guarantees (in addition to those of {@link StreamProcessor}): events are delivered at least once (the
 * acknowledgement commits after the commands were sent), but a re-delivered event sends the same commands with the same
 * ids ({@link #commandId}): with an idempotent receiver such as an event-sourced aggregate on this event store
 * ({@code append_event} is idempotent per command id and stream), the effect happens exactly once. A saga is expected
 * to be pure (react), so that a re-delivery reacts with the same commands.
 *
 * {@snippet :
 * try (SagaProcessor certify = SagaProcessor.of(dataSource, "certify", EventTypes.of("training", TrainingEvent.class),
 *         certificationSaga, (command, commandId) -> certificates.handle(command, commandId),
 *         StreamingOptions.defaults())) {
 *     // ... runs until closed
 * }
 * }
 */
public interface SagaProcessor extends StreamProcessor {

    /** {@return a started processor sending the reactions of {@code saga} to {@code sender}} */
    static <E, A> SagaProcessor of(
            DataSource dataSource,
            String view,
            EventTypes<E> eventTypes,
            Saga<? super E, ? extends A> saga,
            CommandSender<? super A> sender,
            StreamingOptions options) {
        return of(dataSource, view, eventTypes, saga, sender, options, ProcessorListener.none());
    }

    /** {@return a started processor sending the reactions of {@code saga} to {@code sender}, observed by listener} */
    static <E, A> SagaProcessor of(
            DataSource dataSource,
            String view,
            EventTypes<E> eventTypes,
            Saga<? super E, ? extends A> saga,
            CommandSender<? super A> sender,
            StreamingOptions options,
            ProcessorListener listener) {
        return StreamRunner.start(
                dataSource,
                view,
                new EventDecoder<>(eventTypes, Json.defaultMapper()),
                options,
                listener,
                (transaction, delivery) -> {
                    List<? extends A> commands = saga.react(delivery.event());
                    for (int i = 0; i < commands.size(); i++) {
                        sender.send(commands.get(i), commandId(view, delivery.eventId(), i));
                    }
                });
    }

    /** {@return the id of the {@code index}-th command the saga of {@code view} sent for event {@code eventId}} */
    static UUID commandId(String view, UUID eventId, int index) {
        return UUID.nameUUIDFromBytes((view + "\n" + eventId + "\n" + index).getBytes(StandardCharsets.UTF_8));
    }
}
