package io.fmodel.core.application;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link EventRepository#append} did: it {@linkplain Written wrote} the events it was given, or it recognised
 * an already-applied command id and {@linkplain Replayed replayed} the events that command appended the first time,
 * writing nothing.
 *
 * <p>Either way {@link #stored()} holds the command's events as the stream stores them, in order. Only a
 * {@link Written} result is the outcome of the decision just made: an aggregate with snapshots folds its events onto
 * the state it decided on, and a replay's events, appended once after another version, must not be folded there.
 *
 * {@snippet :
 * Appended<CounterEvent, Long> appended = repository.append(command, commandId, events, expected);
 * String outcome = switch (appended) {
 *     case Appended.Written<CounterEvent, Long> written -> "wrote " + written.stored().size();
 *     case Appended.Replayed<CounterEvent, Long> replayed -> "already applied";
 * };
 * }
 *
 * @param <E> event type
 * @param <V> version type
 */
public sealed interface Appended<E, V> permits Appended.Written, Appended.Replayed {

    /** {@return the command's events as stored, in order} */
    List<StoredEvent<E, V>> stored();

    /** {@return the domain events of {@link #stored()}, in order} */
    default List<E> events() {
        List<StoredEvent<E, V>> stored = stored();
        List<E> events = new ArrayList<>(stored.size());
        for (StoredEvent<E, V> event : stored) {
            events.add(event.event());
        }
        return List.copyOf(events);
    }

    /**
     * The events were written by this append, one per event it was given, in order, after the version it expected.
     *
     * @param stored the events written, in order
     * @param <E> event type
     * @param <V> version type
     */
    record Written<E, V>(List<StoredEvent<E, V>> stored) implements Appended<E, V> {

        /** Copies {@code stored} (no copy when it is already an unmodifiable {@code List.of}/{@code copyOf} list). */
        public Written {
            stored = List.copyOf(stored);
        }
    }

    /**
     * Nothing was written: the command id had appended to the stream before, and these are the events it appended
     * then (whatever this append was given and expected).
     *
     * @param stored the events the command appended the first time, in order; never empty, since a decision without
     *     events leaves no trace to replay
     * @param <E> event type
     * @param <V> version type
     */
    record Replayed<E, V>(List<StoredEvent<E, V>> stored) implements Appended<E, V> {

        /** Checks that {@code stored} is not empty, and copies it as {@link Written} does. */
        public Replayed {
            stored = List.copyOf(stored);
            if (stored.isEmpty()) {
                throw new IllegalArgumentException("a replay returns the events the command appended before: none");
            }
        }
    }
}
