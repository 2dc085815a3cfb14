package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmodel.postgres.Metadata;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the {@code metadata} column (sql/004): {@code correlation_id}, {@code causation_id} (strings),
 * {@code trace_context}, {@code entries} (objects of strings), each left out when empty. Its own mapper: the document
 * is the store's, not the application's, and reads the same whatever mapper the events use. Other keys, and values
 * of other types, are ignored on read.
 */
public final class MetadataJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataJson() {}

    /** {@return the document of {@code metadata}, {@code null} when it is empty} */
    public static @Nullable String encode(Metadata metadata) {
        if (metadata.isEmpty()) {
            return null;
        }
        return tree(metadata).toString();
    }

    /** {@return the document of {@code metadata} as a tree, empty when it is empty} */
    public static ObjectNode tree(Metadata metadata) {
        ObjectNode node = JSON.createObjectNode();
        if (metadata.correlationId() != null) {
            node.put("correlation_id", metadata.correlationId());
        }
        if (metadata.causationId() != null) {
            node.put("causation_id", metadata.causationId());
        }
        if (!metadata.traceContext().isEmpty()) {
            ObjectNode trace = node.putObject("trace_context");
            metadata.traceContext().forEach(trace::put);
        }
        if (!metadata.entries().isEmpty()) {
            ObjectNode entries = node.putObject("entries");
            metadata.entries().forEach(entries::put);
        }
        return node;
    }

    /** {@return the metadata of a stored document, {@link Metadata#EMPTY} for {@code null} or a document it cannot read} */
    public static Metadata decode(@Nullable String json) {
        if (json == null) {
            return Metadata.EMPTY;
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JacksonException e) {
            return Metadata.EMPTY; // written by hand, not by us: the event itself still reads
        }
        if (!(node instanceof ObjectNode object)) {
            return Metadata.EMPTY;
        }
        return new Metadata(
                text(object.get("correlation_id")),
                text(object.get("causation_id")),
                strings(object.get("trace_context")),
                strings(object.get("entries")));
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static Map<String, String> strings(@Nullable JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                map.put(e.getKey(), e.getValue().asText());
            }
        });
        return map;
    }
}
