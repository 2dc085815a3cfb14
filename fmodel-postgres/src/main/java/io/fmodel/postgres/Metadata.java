package io.fmodel.postgres;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The metadata document of an event: who asked for it and why, stored beside the event in the {@code metadata} column
 * of {@code events} (sql/004). A correlation id (the conversation a chain of commands and events belongs to), a
 * causation id (the command whose decision produced the event, or, for a command a saga sent, the event that caused
 * it), a trace context (for example W3C {@code traceparent} and {@code tracestate}) and entries of the application's
 * own. Immutable; an event written without metadata (before sql/004, or through {@code append_event}) reads as
 * {@link #EMPTY}.
 *
 * <p>What a repository writes for a decision: the metadata bound to the calling thread ({@link #bind}), completed by
 * the repository's own ({@link PostgresEventRepository#withMetadata}), completed by the command id as causation and
 * correlation id. A saga processor binds, around each send, the triggering event's correlation id, the event's id as
 * causation id, and its trace context and entries, so a command handled in the sender's thread carries them on.
 *
 * {@snippet :
 * try (Metadata.Scope scope = Metadata.bind(Metadata.EMPTY
 *         .withCorrelationId(requestId)
 *         .withTraceContext("traceparent", traceparent)
 *         .withEntry("tenant", "acme"))) {
 *     counters.handle(new Add("c-1", 5));   // its events carry the request's correlation and trace
 * }
 * }
 *
 * @param correlationId the conversation the event belongs to, if known
 * @param causationId the command or event that caused it, if known
 * @param traceContext the trace context propagated with it, by header name
 * @param entries the application's own entries
 */
public record Metadata(
        @Nullable String correlationId,
        @Nullable String causationId,
        Map<String, String> traceContext,
        Map<String, String> entries) {

    /** No metadata at all: what an event written without any reads as. */
    public static final Metadata EMPTY = new Metadata(null, null, Map.of(), Map.of());

    private static final ThreadLocal<Metadata> BOUND = new ThreadLocal<>();

    /** Copies the maps, which must hold no null key or value. */
    public Metadata {
        traceContext = Map.copyOf(traceContext);
        entries = Map.copyOf(entries);
    }

    /** {@return whether it holds nothing} */
    public boolean isEmpty() {
        return correlationId == null && causationId == null && traceContext.isEmpty() && entries.isEmpty();
    }

    /** {@return this metadata with {@code correlationId}} */
    public Metadata withCorrelationId(String correlationId) {
        return new Metadata(Objects.requireNonNull(correlationId, "correlationId"), causationId, traceContext, entries);
    }

    /** {@return this metadata with {@code causationId}} */
    public Metadata withCausationId(String causationId) {
        return new Metadata(correlationId, Objects.requireNonNull(causationId, "causationId"), traceContext, entries);
    }

    /** {@return this metadata with the trace context entry {@code name} set to {@code value}} */
    public Metadata withTraceContext(String name, String value) {
        return new Metadata(correlationId, causationId, put(traceContext, name, value), entries);
    }

    /** {@return this metadata with the entry {@code name} set to {@code value}} */
    public Metadata withEntry(String name, String value) {
        return new Metadata(correlationId, causationId, traceContext, put(entries, name, value));
    }

    /**
     * {@return this metadata completed by {@code other}: each id of this one, or {@code other}'s when this one has
     * none; the trace contexts and the entries of both, this one's winning where both have a name}
     */
    public Metadata orElse(Metadata other) {
        Objects.requireNonNull(other, "other");
        Map<String, String> trace = new LinkedHashMap<>(other.traceContext);
        trace.putAll(traceContext);
        Map<String, String> all = new LinkedHashMap<>(other.entries);
        all.putAll(entries);
        return new Metadata(
                correlationId != null ? correlationId : other.correlationId,
                causationId != null ? causationId : other.causationId,
                trace,
                all);
    }

    /** {@return the metadata bound to the calling thread by {@link #bind}, {@link #EMPTY} when none is} */
    public static Metadata current() {
        Metadata bound = BOUND.get();
        return bound == null ? EMPTY : bound;
    }

    /**
     * Binds {@code metadata} to the calling thread until the returned scope is closed (then the metadata bound before
     * is back): every append of a {@link PostgresEventRepository} in this thread meanwhile writes it.
     */
    public static Scope bind(Metadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        @Nullable Metadata before = BOUND.get();
        BOUND.set(metadata);
        return () -> {
            if (before == null) {
                BOUND.remove();
            } else {
                BOUND.set(before);
            }
        };
    }

    /** {@return what {@code action} returns, run with {@code metadata} bound to the calling thread ({@link #bind})} */
    public static <T> T callWith(Metadata metadata, Supplier<T> action) {
        try (Scope scope = bind(metadata)) {
            return action.get();
        }
    }

    /** A binding of {@link #bind}: closing it restores the metadata bound before. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static Map<String, String> put(Map<String, String> map, String name, String value) {
        Map<String, String> next = new LinkedHashMap<>(map);
        next.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return next;
    }
}
