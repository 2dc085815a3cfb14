package io.fmodel.core.application;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

final class InMemoryEventStreams<C, E> implements InMemoryEventRepository<C, E> {

    /** One stream; every access holds its monitor, so an append is atomic with respect to fetches and appends. */
    private static final class Stream<E> {
        final List<StoredEvent<E, Long>> events = new ArrayList<>();
        final Map<UUID, List<StoredEvent<E, Long>>> byCommand = new HashMap<>();
    }

    private final Function<? super C, String> streamIdOfCommand;
    private final ConcurrentHashMap<String, Stream<E>> streams = new ConcurrentHashMap<>();

    InMemoryEventStreams(Function<? super C, String> streamIdOfCommand) {
        this.streamIdOfCommand = Objects.requireNonNull(streamIdOfCommand, "streamIdOfCommand");
    }

    private Stream<E> streamOf(String streamId) {
        return streams.computeIfAbsent(streamId, id -> new Stream<>());
    }

    @Override
    public List<StoredEvent<E, Long>> fetch(C command) {
        return stream(streamIdOfCommand.apply(command));
    }

    @Override
    public List<StoredEvent<E, Long>> stream(String streamId) {
        Stream<E> stream = streamOf(streamId);
        synchronized (stream) {
            return List.copyOf(stream.events);
        }
    }

    @Override
    public Appended<E, Long> append(C command, UUID commandId, List<E> events, @Nullable Long expectedVersion) {
        Objects.requireNonNull(commandId, "commandId");
        String streamId = streamIdOfCommand.apply(command);
        if (events.isEmpty()) {
            // as the PostgreSQL repository: nothing to write, nothing to check
            return new Appended.Written<>(List.of());
        }
        Stream<E> stream = streamOf(streamId);
        synchronized (stream) {
            List<StoredEvent<E, Long>> earlier = stream.byCommand.get(commandId);
            if (earlier != null) {
                return new Appended.Replayed<>(earlier);
            }
            @Nullable
            Long current =
                    stream.events.isEmpty() ? null : stream.events.getLast().version();
            if (!Objects.equals(current, expectedVersion)) {
                throw new ConcurrencyConflictException(streamId, expectedVersion, null);
            }
            long version = current == null ? 0 : current;
            List<StoredEvent<E, Long>> stored = new ArrayList<>(events.size());
            for (E event : events) {
                stored.add(new StoredEvent<>(event, ++version, commandId));
            }
            List<StoredEvent<E, Long>> appended = List.copyOf(stored);
            stream.events.addAll(appended);
            stream.byCommand.put(commandId, appended);
            return new Appended.Written<>(appended);
        }
    }
}
