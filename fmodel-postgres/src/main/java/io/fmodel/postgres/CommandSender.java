package io.fmodel.postgres;

import java.util.UUID;

/**
 * Where a {@link SagaProcessor} sends the commands its saga reacts with: usually an aggregate, as in
 * {@code (command, commandId) -> aggregate.handle(command, commandId)}.
 *
 * <p>The command id is derived from the triggering event, so a re-delivered event sends the same command with the
 * same id; the receiver must be idempotent per command id (the event store's {@code append_event} is, per stream).
 *
 * @param <A> command (action) type
 */
@FunctionalInterface
public interface CommandSender<A> {

    /** Sends {@code command} under {@code commandId}; throws to make the saga retry the triggering event. */
    void send(A command, UUID commandId) throws Exception;
}
