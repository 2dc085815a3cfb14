package io.fmodel.examples;

import io.fmodel.core.application.Appended;
import io.fmodel.core.application.EventRepository;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.examples.training.CourseCommand;
import io.fmodel.examples.training.CourseEvent;
import io.fmodel.examples.training.SchoolCommand;
import io.fmodel.examples.training.SchoolEvent;
import io.fmodel.examples.training.TrainingCommand;
import io.fmodel.examples.training.TrainingEvent;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The event repository of the combined {@link io.fmodel.examples.training.School} decider: a training command reads
 * and writes its training's stream (decider {@code training}), a course command its course's stream (decider
 * {@code course}). Each command still touches exactly one stream, with that stream's optimistic locking and
 * idempotency; this class only routes, with an exhaustive switch over the sealed {@link SchoolCommand}.
 */
final class SchoolRepository implements EventRepository<SchoolCommand, SchoolEvent, UUID> {

    private final EventRepository<TrainingCommand, TrainingEvent, UUID> trainings;
    private final EventRepository<CourseCommand, CourseEvent, UUID> courses;

    SchoolRepository(
            EventRepository<TrainingCommand, TrainingEvent, UUID> trainings,
            EventRepository<CourseCommand, CourseEvent, UUID> courses) {
        this.trainings = trainings;
        this.courses = courses;
    }

    @Override
    public List<StoredEvent<SchoolEvent, UUID>> fetch(SchoolCommand command) {
        return switch (command) {
            case TrainingCommand c -> widen(trainings.fetch(c));
            case CourseCommand c -> widen(courses.fetch(c));
        };
    }

    @Override
    public Appended<SchoolEvent, UUID> append(
            SchoolCommand command, UUID commandId, List<SchoolEvent> events, @Nullable UUID expectedVersion) {
        return switch (command) {
            case TrainingCommand c ->
                widen(trainings.append(c, commandId, narrow(events, TrainingEvent.class), expectedVersion));
            case CourseCommand c ->
                widen(courses.append(c, commandId, narrow(events, CourseEvent.class), expectedVersion));
        };
    }

    /** Written stays written and replayed stays replayed: an aggregate with snapshots relies on the difference. */
    private static <E extends SchoolEvent> Appended<SchoolEvent, UUID> widen(Appended<E, UUID> appended) {
        List<StoredEvent<SchoolEvent, UUID>> stored = widen(appended.stored());
        return switch (appended) {
            case Appended.Written<E, UUID> written -> new Appended.Written<>(stored);
            case Appended.Replayed<E, UUID> replayed -> new Appended.Replayed<>(stored);
        };
    }

    private static <E extends SchoolEvent> List<StoredEvent<SchoolEvent, UUID>> widen(List<StoredEvent<E, UUID>> all) {
        return all.stream()
                .map(stored -> new StoredEvent<SchoolEvent, UUID>(stored.event(), stored.version(), stored.commandId()))
                .toList();
    }

    // The combined decider routes by type: a training command's events are training events, and so on.
    private static <E> List<E> narrow(List<SchoolEvent> events, Class<E> type) {
        return events.stream().map(type::cast).toList();
    }
}
