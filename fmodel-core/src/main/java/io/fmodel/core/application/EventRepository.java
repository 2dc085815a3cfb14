package io.fmodel.core.application;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 *   <li>An append that writes returns {@link Appended.Written}: one stored event per event given, in order. An
 *       append whose {@code commandId} was already appended to the stream writes nothing and returns
 *       {@link Appended.Replayed} with the events that command appended the first time (idempotent retries),
 *       whatever {@code events} and {@code expectedVersion} are. An aggregate with snapshots folds only a written
 *       result onto the state it decided on.
 *   <li>An append of no events does nothing, not even a check, and returns {@link Appended.Written} of none.
 *   <li>{@link #fetchAfter} returns what {@link #fetch} would, less the events up to the snapshot's that the
 *       snapshot's state already holds (see there).
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
     * @return the events written now ({@link Appended.Written}), or, for an already-applied {@code commandId}, the
     *     events it produced then ({@link Appended.Replayed})
     * @throws ConcurrencyConflictException when the stream's version is no longer {@code expectedVersion}
     */
    Appended<E, V> append(C command, UUID commandId, List<E> events, @Nullable V expectedVersion);

    /**
     * {@return the events of the stream {@code command} addresses after the event of version {@code after}, oldest
     * first, preceded by the events up to and including that event that {@code commandId} appended, oldest first;
     * empty when no event of the stream has version {@code after}}
     *
     * <p>An aggregate with snapshots calls it with the version of its snapshot: the events after it are all it has to
     * fold, and the command's own earlier events let it recognise a retried command whose events are older than the
     * snapshot, as it does without snapshots. Empty (not an empty list) means the version is not one of this stream,
     * so the snapshot does not belong to it and the aggregate folds the whole history instead.
     *
     * <p>The default implementation filters {@link #fetch}, so it costs as much; a repository that can read from a
     * version on (the PostgreSQL one, in one round trip) overrides it.
     */
    default Optional<List<StoredEvent<E, V>>> fetchAfter(C command, V after, UUID commandId) {
        List<StoredEvent<E, V>> history = fetch(command);
        int at = -1;
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).version().equals(after)) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return Optional.empty();
        }
        List<StoredEvent<E, V>> events = new ArrayList<>();
        for (StoredEvent<E, V> stored : history.subList(0, at + 1)) {
            if (stored.commandId().equals(commandId)) {
                events.add(stored);
            }
        }
        events.addAll(history.subList(at + 1, history.size()));
        return Optional.of(List.copyOf(events));
    }
}
