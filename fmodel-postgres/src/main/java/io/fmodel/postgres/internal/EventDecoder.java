package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmodel.postgres.EventDecodingException;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.NoUpcastPathException;
import io.fmodel.postgres.Upcaster;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes stored rows with the mapping of {@link EventTypes} and Jackson, for the event repository and the stream
 * processors alike, and fails with {@link EventDecodingException}, naming stream, offset and type. A row of a current
 * (name, version) is bound from its JSON text directly; any other goes through the chain of {@link Upcaster}s first
 * (as a tree, so no text is written in between), which may give it another name, split it or drop it. One Jackson
 * reader per current (name, version), looked up once, not per event. Thread-safe.
 */
public final class EventDecoder<E> {

    /** A bound on the upcasting steps of one stored event: renames that go round in circles end here. */
    private static final int MAX_STEPS = 10_000;

    private final EventTypes<E> eventTypes;
    private final ObjectMapper objectMapper;
    private final Map<Key, Decoding> decodings;
    private final Map<Key, Upcaster> upcasters;

    private record Key(String name, long version) {}

    private record Decoding(EventTypes.Type type, ObjectReader reader) {}

    /** A document at a current version: its name, version and JSON text. */
    public record Current(String name, long version, String data) {}

    public EventDecoder(EventTypes<E> eventTypes, ObjectMapper objectMapper) {
        this.eventTypes = eventTypes;
        this.objectMapper = objectMapper;
        Map<Key, Decoding> byKey = new HashMap<>();
        for (EventTypes.Type type : eventTypes.types()) {
            byKey.put(
                    new Key(type.name(), type.version()), new Decoding(type, objectMapper.readerFor(type.javaClass())));
        }
        this.decodings = Map.copyOf(byKey);
        Map<Key, Upcaster> steps = new HashMap<>();
        for (EventTypes.Upcasting upcasting : eventTypes.upcasters()) {
            steps.put(new Key(upcasting.name(), upcasting.version()), upcasting.upcaster());
        }
        this.upcasters = Map.copyOf(steps);
    }

    /** {@return the decider whose events this decoder reads} */
    public String decider() {
        return eventTypes.decider();
    }

    /**
     * {@return the events stored as {@code name}, {@code version}, with JSON {@code data}, at their current versions:
     * one, or as many as the upcasters split it into, or none if they dropped it}
     */
    public List<E> decode(String deciderId, long offset, String name, long version, String data) {
        Decoding direct = decodings.get(new Key(name, version));
        if (direct != null) {
            return List.of(bind(deciderId, offset, name, version, direct, data, null));
        }
        List<E> events = new ArrayList<>(1);
        for (Step step : upcast(deciderId, offset, name, version, data)) {
            events.add(bind(deciderId, offset, name, version, step.decoding(), null, step.data()));
        }
        return List.copyOf(events);
    }

    /**
     * {@return the documents of the event stored as {@code name}, {@code version}, with JSON {@code data}, at their
     * current versions: {@code data} as it is when it is current}
     */
    public List<Current> currentDocuments(String deciderId, long offset, String name, long version, String data) {
        if (decodings.containsKey(new Key(name, version))) {
            return List.of(new Current(name, version, data));
        }
        List<Current> documents = new ArrayList<>(1);
        for (Step step : upcast(deciderId, offset, name, version, data)) {
            EventTypes.Type type = step.decoding().type();
            try {
                documents.add(new Current(type.name(), type.version(), objectMapper.writeValueAsString(step.data())));
            } catch (JacksonException e) {
                throw failed(deciderId, offset, name, version, "cannot write its upcast JSON: " + e.getMessage(), e);
            }
        }
        return List.copyOf(documents);
    }

    /** A document that reached a current version. */
    private record Step(Decoding decoding, JsonNode data) {}

    /** Applies the upcasters to the stored document until every document is current (depth first: order is kept). */
    private List<Step> upcast(String deciderId, long offset, String name, long version, String data) {
        if (!upcasters.containsKey(new Key(name, version))) {
            throw new NoUpcastPathException(stream(deciderId), offset, name, version, name, version);
        }
        JsonNode tree;
        try {
            tree = objectMapper.readTree(data);
        } catch (JacksonException e) {
            throw failed(deciderId, offset, name, version, "its JSON cannot be read: " + e.getOriginalMessage(), e);
        }
        Deque<Upcaster.Document> work = new ArrayDeque<>();
        work.push(new Upcaster.Document(name, version, tree));
        List<Step> current = new ArrayList<>(1);
        int steps = 0;
        while (!work.isEmpty()) {
            Upcaster.Document document = work.pop();
            Key key = new Key(document.name(), document.version());
            Decoding decoding = decodings.get(key);
            if (decoding != null) {
                current.add(new Step(decoding, document.data()));
                continue;
            }
            Upcaster upcaster = upcasters.get(key);
            if (upcaster == null) {
                throw new NoUpcastPathException(
                        stream(deciderId), offset, name, version, document.name(), document.version());
            }
            if (++steps > MAX_STEPS) {
                throw failed(
                        deciderId,
                        offset,
                        name,
                        version,
                        "its upcasters do not reach a current version in " + MAX_STEPS
                                + " steps (do two renames lead to each other?)",
                        null);
            }
            if (!(document.data() instanceof ObjectNode object)) {
                throw failed(
                        deciderId,
                        offset,
                        name,
                        version,
                        "the upcaster of " + document.name() + " (version " + document.version()
                                + ") needs a JSON object, got "
                                + document.data().getNodeType(),
                        null);
            }
            List<Upcaster.Document> next;
            try {
                next = List.copyOf(upcaster.upcast(object));
            } catch (RuntimeException e) {
                throw failed(
                        deciderId,
                        offset,
                        name,
                        version,
                        "the upcaster of " + document.name() + " (version " + document.version() + ") failed: " + e,
                        e);
            }
            for (int i = next.size() - 1; i >= 0; i--) {
                Upcaster.Document out = next.get(i);
                if (out.version() < document.version()
                        || (out.version() == document.version() && out.name().equals(document.name()))) {
                    throw failed(
                            deciderId,
                            offset,
                            name,
                            version,
                            "the upcaster of " + document.name() + " (version "
                                    + document.version() + ") went back to " + out.name() + " (version " + out.version()
                                    + "): each step must reach a later version, or rename at the same version",
                            null);
                }
                work.push(out);
            }
        }
        return current;
    }

    private E bind(
            String deciderId,
            long offset,
            String name,
            long version,
            Decoding decoding,
            @Nullable String text,
            @Nullable JsonNode tree) {
        Object event;
        try {
            event = text != null
                    ? decoding.reader().readValue(text)
                    : decoding.reader().readValue(tree);
        } catch (IOException e) {
            throw failed(
                    deciderId,
                    offset,
                    name,
                    version,
                    "its JSON does not fit " + decoding.type().javaClass().getName()
                            + (text == null ? " (after upcasting): " : ": ")
                            + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()),
                    e);
        }
        if (event == null) {
            throw failed(deciderId, offset, name, version, "its JSON is null", null);
        }
        return eventTypes.eventType().cast(event);
    }

    private EventDecodingException failed(
            String deciderId, long offset, String name, long version, String reason, @Nullable Throwable cause) {
        return new EventDecodingException(stream(deciderId), offset, name, version, reason, cause);
    }

    private String stream(String deciderId) {
        return eventTypes.decider() + "/" + deciderId;
    }
}
