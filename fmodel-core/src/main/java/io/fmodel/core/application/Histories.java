package io.fmodel.core.application;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Loops over fetched histories shared by the aggregates: plain loops, on the path of every command. */
final class Histories {

    private Histories() {}

    /** {@return the events {@code commandId} produced in {@code history}, oldest first; empty (no copy) if none} */
    static <E, V> List<E> eventsOf(List<StoredEvent<E, V>> history, UUID commandId) {
        List<E> events = null;
        for (StoredEvent<E, V> stored : history) {
            if (stored.commandId().equals(commandId)) {
                if (events == null) {
                    events = new ArrayList<>();
                }
                events.add(stored.event());
            }
        }
        return events == null ? List.of() : List.copyOf(events);
    }

    /** {@return the events of {@code stored}, in order} */
    static <E, V> List<E> events(List<StoredEvent<E, V>> stored) {
        List<E> events = new ArrayList<>(stored.size());
        for (StoredEvent<E, V> event : stored) {
            events.add(event.event());
        }
        return List.copyOf(events);
    }
}
