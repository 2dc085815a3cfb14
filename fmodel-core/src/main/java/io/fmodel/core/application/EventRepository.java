package io.fmodel.core.application;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The port of an event-sourced aggregate: reads the stream a command addresses, and appends to it under optimistic
 * locking.
 *
 * <p>Contract every implementation honours (the in-memory one and the PostgreSQL one alike):
 * <ul>
 *   <li>{@link #fetch} returns the stream's events oldest first; the version of the last one is the stream's
 *       current version.
 *   <li>{@link #append} writes all {@code events} atomically, or none of them. It succeeds only if the stream's
 *       current version is still {@code expectedVersion} ({@code null}: the stream must be empty); otherwise it
 *       throws {@link ConcurrencyConflictException} and writes nothing.
 *   <li>An append whose {@code commandId} was already appended to the stream writes nothing and returns the events
 *       that command appended the first time (idempotent retries).
 * </ul>
 *
 * {@snippet :
 * List<StoredEvent<CounterEvent, Long>> history = repository.fetch(command);
 * Long expected = history.isEmpty() ? null : history.getLast().version();
 * repository.append(command, UUID.randomUUID(), List.of(new Incremented(1)), expected);
 * }
 *
 * @param <C> command type; the command says which stream it addresses
 * @param <E> event type
 * @param <V> version type, opaque to callers
 */
public interface EventRepository<C, E, V> {

    /** {@return the events of the stream {@code command} addresses, oldest first; empty for a new stream} */
    List<StoredEvent<E, V>> fetch(C command);

    /**
     * Appends {@code events} to the stream {@code command} addresses, all or nothing.
     *
     * @return the stored events, in order; for an already-applied {@code commandId}, the events it produced then
     * @throws ConcurrencyConflictException when the stream's version is no longer {@code expectedVersion}
     */
    List<StoredEvent<E, V>> append(C command, UUID commandId, List<E> events, @Nullable V expectedVersion);
}
