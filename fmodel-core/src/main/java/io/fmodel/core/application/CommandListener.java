package io.fmodel.core.application;

import java.util.UUID;

/**
 * Observes the attempts of an {@link EventSourcingAggregate}'s commands, where no wrapper of {@code handle} can see
 * them: hook metrics here ({@link EventSourcingAggregate#withListener}). Called in the thread that handles the
 * command, between two attempts; must be fast and must not throw (what it throws is logged at {@code WARNING} through
 * {@link System.Logger} and ignored). The outcome of a command (its events, or the exception {@code handle} throws) is
 * what a wrapper of {@code handle} sees; this listener adds the attempts before it.
 *
 * {@snippet :
 * EventSourcingAggregate<CounterCommand, Integer, CounterEvent> observed = counters.withListener(new CommandListener() {
 *     @Override
 *     public void conflicted(Object command, UUID commandId, int conflicts) {
 *         conflictCounter.increment();
 *     }
 * });
 * }
 */
public interface CommandListener {

    /**
     * An attempt of {@code command} lost an optimistic-locking race ({@link ConcurrencyConflictException}):
     * {@code conflicts} attempts of it so far did. Told before the policy decides whether another attempt comes.
     */
    default void conflicted(Object command, UUID commandId, int conflicts) {}

    /**
     * An attempt of {@code command} found the store unavailable ({@link StoreUnavailableException}): {@code failures}
     * attempts of it so far did. Told before the recovery policy decides whether another attempt comes.
     */
    default void unavailable(Object command, UUID commandId, int failures, StoreUnavailableException failure) {}

    /** Attempt number {@code attempt} (2 or more) of {@code command} starts, after the policy's pause. */
    default void retrying(Object command, UUID commandId, int attempt) {}

    /** {@return a listener that does nothing: the default of every aggregate} */
    static CommandListener none() {
        return None.INSTANCE;
    }

    /** The listener of {@link #none()}. */
    enum None implements CommandListener {
        INSTANCE
    }
}
