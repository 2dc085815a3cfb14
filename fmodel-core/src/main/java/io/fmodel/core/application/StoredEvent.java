package io.fmodel.core.application;

import java.util.Objects;
import java.util.UUID;

/**
 * An event as a repository stores it: the domain event, the stream version it created, and the id of the command
 * that produced it.
 *
 * <p>The version is opaque to the application layer: it is handed back to {@link EventRepository#append} as the
 * expected version, and compared with {@code equals} only.
 *
 * @param event the domain event
 * @param version the version of the stream once this event was appended
 * @param commandId the id of the command whose decision produced this event
 * @param <E> event type
 * @param <V> version type
 */
public record StoredEvent<E, V>(E event, V version, UUID commandId) {

    /** Checks that no component is null. */
    public StoredEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(commandId, "commandId");
    }
}
