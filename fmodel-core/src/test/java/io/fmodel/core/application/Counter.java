package io.fmodel.core.application;

import io.fmodel.core.Decider;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** A counter per id, limited to {@link #LIMIT}: the domain the application-layer tests run. */
final class Counter {

    private Counter() {}

    static final int LIMIT = 100;

    record Add(String counterId, int amount) {}

    sealed interface Event permits Added, AddRejected {
        String counterId();
    }

    record Added(String counterId, int amount) implements Event {}

    record AddRejected(String counterId, int amount) implements Event {}

    static Decider<Add, Integer, Event> decider(int limit) {
        return Decider.of(
                0,
                (add, count) -> {
                    if (add.amount() < 0) {
                        throw new IllegalArgumentException("negative amount " + add.amount());
                    }
                    return count + add.amount() > limit
                            ? List.of(new AddRejected(add.counterId(), add.amount()))
                            : List.of(new Added(add.counterId(), add.amount()));
                },
                (count, event) -> switch (event) {
                    case Added a -> count + a.amount();
                    case AddRejected r -> count;
                });
    }

    static final Decider<Add, Integer, Event> DECIDER = decider(LIMIT);

    static final View<Integer, Event> TOTAL = View.of(0, (total, event) -> switch (event) {
        case Added a -> total + a.amount();
        case AddRejected r -> total;
    });

    /** Whatever is added to {@code "source"} is added to {@code "mirror"} too. */
    static final Saga<Event, Add> MIRROR = Saga.of(event -> switch (event) {
        case Added a when a.counterId().equals("source") -> List.of(new Add("mirror", a.amount()));
        case Added a -> List.of();
        case AddRejected r -> List.of();
    });

    static InMemoryEventRepository<Add, Event> repository() {
        return InMemoryEventRepository.of(Add::counterId);
    }

    /** A decider that counts its decisions, to prove when one was skipped. */
    static Decider<Add, Integer, Event> counting(AtomicInteger decisions) {
        return Decider.of(
                0,
                (add, count) -> {
                    decisions.incrementAndGet();
                    return DECIDER.decide(add, count);
                },
                DECIDER::evolve);
    }

    /** An event repository that lets another writer slip in {@code racers} appends right before ours. */
    static final class Racing implements EventRepository<Add, Event, Long> {
        final InMemoryEventRepository<Add, Event> delegate = repository();
        final AtomicInteger racers;
        final AtomicInteger fetches = new AtomicInteger();

        Racing(int racers) {
            this.racers = new AtomicInteger(racers);
        }

        @Override
        public List<StoredEvent<Event, Long>> fetch(Add command) {
            fetches.incrementAndGet();
            return delegate.fetch(command);
        }

        @Override
        public Appended<Event, Long> append(
                Add command, UUID commandId, List<Event> events, @Nullable Long expectedVersion) {
            if (racers.getAndDecrement() > 0) {
                List<StoredEvent<Event, Long>> current = delegate.fetch(command);
                delegate.append(
                        command,
                        UUID.randomUUID(),
                        List.of(new Added(command.counterId(), 1)),
                        current.isEmpty() ? null : current.getLast().version());
            }
            return delegate.append(command, commandId, events, expectedVersion);
        }
    }
}
