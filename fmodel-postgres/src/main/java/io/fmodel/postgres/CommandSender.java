package io.fmodel.postgres;

import java.util.UUID;

/**
 * Where a {@link SagaProcessor} sends the commands its saga reacts with: usually an aggregate, as in
 * {@code (command, commandId) -> aggregate.handle(command, commandId)}.
 *
 * <p>The command id is derived from the triggering event, so a re-delivered event sends the same command with the
 * same id; the receiver must be idempotent per command id (the event store's {@code append_event} is, per stream).
 * While it runs, {@link Metadata#current()} holds the metadata the command continues with (correlation of the
 * triggering event, the event's id as causation): a repository appending in this thread writes it; a sender that
 * hands the command to another thread or system passes it along.
 *
 * @param <A> command (action) type
 */
@FunctionalInterface
public interface CommandSender<A> {

    /** Sends {@code command} under {@code commandId}; throws to make the saga retry the triggering event. */
    void send(A command, UUID commandId) throws Exception;
}
