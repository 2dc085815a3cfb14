package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.postgres.EventDecodingException;
import io.fmodel.postgres.EventTypes;

/**
 * Decodes streamed rows with the same mapping as the event repository ({@link EventTypes} and Jackson), and fails with
 * the same {@link EventDecodingException}, naming stream, offset and type. Pure; thread-safe.
 */
public final class EventDecoder<E> {

    private final EventTypes<E> eventTypes;
    private final ObjectMapper objectMapper;

    public EventDecoder(EventTypes<E> eventTypes, ObjectMapper objectMapper) {
        this.eventTypes = eventTypes;
        this.objectMapper = objectMapper;
    }

    /** {@return the decider whose events this decoder reads} */
    public String decider() {
        return eventTypes.decider();
    }

    /** {@return the event stored as {@code name}, {@code version}, with JSON {@code data}} */
    public E decode(String deciderId, long offset, String name, long version, String data) {
        String stream = eventTypes.decider() + "/" + deciderId;
        EventTypes.Type type = eventTypes
                .typeOf(name, version)
                .orElseThrow(() -> new EventDecodingException(
                        stream, offset, name, version, "no class is registered for it in EventTypes", null));
        Object event;
        try {
            event = objectMapper.readValue(data, type.javaClass());
        } catch (JacksonException e) {
            throw new EventDecodingException(
                    stream,
                    offset,
                    name,
                    version,
                    "its JSON does not fit " + type.javaClass().getName() + ": " + e.getOriginalMessage(),
                    e);
        }
        if (event == null) {
            throw new EventDecodingException(stream, offset, name, version, "its JSON is null", null);
        }
        return eventTypes.eventType().cast(event);
    }
}
