package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.fmodel.postgres.EventDecodingException;
import io.fmodel.postgres.EventTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes stored rows with the mapping of {@link EventTypes} and Jackson, for the event repository and the stream
 * processors alike, and fails with {@link EventDecodingException}, naming stream, offset and type. One Jackson reader
 * per stored (name, version), looked up once, not per event. Thread-safe.
 */
public final class EventDecoder<E> {

    private final EventTypes<E> eventTypes;
    private final Map<String, List<Decoding>> decodings;

    private record Decoding(EventTypes.Type type, ObjectReader reader) {}

    public EventDecoder(EventTypes<E> eventTypes, ObjectMapper objectMapper) {
        this.eventTypes = eventTypes;
        Map<String, List<Decoding>> byName = new HashMap<>();
        for (EventTypes.Type type : eventTypes.types()) {
            byName.computeIfAbsent(type.name(), name -> new ArrayList<>())
                    .add(new Decoding(type, objectMapper.readerFor(type.javaClass())));
        }
        byName.replaceAll((name, versions) -> List.copyOf(versions));
        this.decodings = Map.copyOf(byName);
    }

    /** {@return the decider whose events this decoder reads} */
    public String decider() {
        return eventTypes.decider();
    }

    /** {@return the event stored as {@code name}, {@code version}, with JSON {@code data}} */
    public E decode(String deciderId, long offset, String name, long version, String data) {
        Decoding decoding = decoding(name, version);
        if (decoding == null) {
            throw new EventDecodingException(
                    stream(deciderId), offset, name, version, "no class is registered for it in EventTypes", null);
        }
        Object event;
        try {
            event = decoding.reader().readValue(data);
        } catch (JacksonException e) {
            throw new EventDecodingException(
                    stream(deciderId),
                    offset,
                    name,
                    version,
                    "its JSON does not fit " + decoding.type().javaClass().getName() + ": " + e.getOriginalMessage(),
                    e);
        }
        if (event == null) {
            throw new EventDecodingException(stream(deciderId), offset, name, version, "its JSON is null", null);
        }
        return eventTypes.eventType().cast(event);
    }

    private @Nullable Decoding decoding(String name, long version) {
        List<Decoding> versions = decodings.get(name);
        if (versions != null) {
            for (Decoding decoding : versions) {
                if (decoding.type().version() == version) {
                    return decoding;
                }
            }
        }
        return null;
    }

    private String stream(String deciderId) {
        return eventTypes.decider() + "/" + deciderId;
    }
}
