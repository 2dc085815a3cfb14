package io.fmodel.examples;

import io.fmodel.core.application.Appended;
import io.fmodel.core.application.ConcurrencyConflictException;
import io.fmodel.core.application.EventRepository;
import io.fmodel.core.application.StoredEvent;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A repository that lets the demo see what the aggregate does: it records every optimistic-locking conflict (the
 * aggregate then re-reads the stream and decides again) and can hold a command right after it read its stream, which
 * is how the demo makes two commands read the same version "at the same moment".
 */
final class ObservedRepository<C, E, V> implements EventRepository<C, E, V> {

    /** One lost race: {@code command} read {@code stream} at {@code expectedVersion}, and someone appended first. */
    record Conflict(Object command, String stream, @Nullable Object expectedVersion) {}

    private final EventRepository<C, E, V> delegate;
    private final Queue<Conflict> conflicts = new ConcurrentLinkedQueue<>();
    private final AtomicLong conflictCount = new AtomicLong();
    private volatile Consumer<C> afterFetch = command -> {};

    ObservedRepository(EventRepository<C, E, V> delegate) {
        this.delegate = delegate;
    }

    /** Runs {@code hook} after each fetch, in the fetching thread, before the command is decided. */
    void afterFetch(Consumer<C> hook) {
        this.afterFetch = hook;
    }

    /** {@return how many appends lost an optimistic-locking race} */
    long conflictCount() {
        return conflictCount.get();
    }

    /** {@return the conflicts on {@code stream}, oldest first} */
    List<Conflict> conflictsOn(String stream) {
        return conflicts.stream().filter(c -> c.stream().endsWith(stream)).toList();
    }

    @Override
    public List<StoredEvent<E, V>> fetch(C command) {
        List<StoredEvent<E, V>> events = delegate.fetch(command);
        afterFetch.accept(command);
        return events;
    }

    @Override
    public Appended<E, V> append(C command, UUID commandId, List<E> events, @Nullable V expectedVersion) {
        try {
            return delegate.append(command, commandId, events, expectedVersion);
        } catch (ConcurrencyConflictException e) {
            conflictCount.incrementAndGet();
            if (conflicts.size() < 1_000) {
                conflicts.add(new Conflict(command, e.stream(), e.expectedVersion()));
            }
            throw e;
        }
    }
}
