package io.fmodel.core.application;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A loop over fetched histories: a plain loop, on the path of every command. */
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
}
