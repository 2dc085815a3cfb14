package io.fmodel.postgres;

import java.util.Objects;
import java.util.UUID;

/**
 * An event as the store recorded it: the decoded event (at its current version) with its stream, its id, the command
 * that produced it, its offset in the log and its {@link Metadata}. What {@link PostgresEventRepository#readRecorded}
 * returns and what the processors of {@link PostgresEventStore#startRecordedView} and
 * {@link PostgresEventStore#startRecordedHandler} see.
 *
 * <p>A stored event that upcasting split into several gives several recorded events with the same id, offset, command
 * and metadata, in order; a dropped one gives none.
 *
 * {@snippet :
 * for (RecordedEvent<CounterEvent> recorded : repository.readRecorded("c-1")) {
 *     log.info("{} caused by {}", recorded.event(), recorded.metadata().causationId());
 * }
 * }
 *
 * @param event the event
 * @param partition its stream: decider and decider id
 * @param eventId the id of the stored event
 * @param commandId the command whose decision produced it
 * @param offset its offset in the log of all events
 * @param metadata its metadata, {@link Metadata#EMPTY} if it was written without
 * @param <E> event type
 */
public record RecordedEvent<E>(
        E event, Partition partition, UUID eventId, UUID commandId, long offset, Metadata metadata) {

    /** Checks that no component is null. */
    public RecordedEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(metadata, "metadata");
    }
}
