package io.fmodel.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One step in the life of a stored event: turns the JSON document of a stored (event name, version) into the
 * documents of a later version, before Jackson binds them. Registered with {@link EventTypes#upcasting}, keyed by the
 * (name, version) it reads; the decoder applies steps until each document is of a (name, version) that has a class in
 * {@link EventTypes}, which is the current one (writers always write it).
 *
 * <p>Pure: no I/O, the same documents for the same input; it may change and return {@code data}, which is the
 * decoder's own copy. Each document it returns must be of a later version, or of the same version under another name
 * (a rename). What it returns:
 * <ul>
 *   <li>one document: a changed event (fields renamed, added, removed), a renamed event, or both;
 *   <li>several documents: the event split into several (each is decoded as an event of its own, in order);
 *   <li>none: the event is dropped (readers do not see it).
 * </ul>
 *
 * {@snippet :
 * EventTypes<TrainingEvent> types = EventTypes.of("training", TrainingEvent.class)
 *         .with(RegistrationCreated.class, "RegistrationCreated", 2)
 *         // version 1 named the trainee "student"
 *         .upcasting("RegistrationCreated", 1, Upcaster.to("RegistrationCreated", 2,
 *                 data -> data.set("traineeId", data.remove("studentId"))))
 *         // an event that no longer exists
 *         .upcasting("VideoBuffered", 1, Upcaster.drop());
 * }
 */
@FunctionalInterface
public interface Upcaster {

    /** {@return the documents that replace {@code data}, in order: none drops the event} */
    List<Document> upcast(ObjectNode data);

    /**
     * A document an upcaster produces.
     *
     * @param name its event name
     * @param version its version
     * @param data its JSON
     */
    record Document(String name, long version, JsonNode data) {

        /** Checks that no component is null and the version is positive. */
        public Document {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(data, "data");
            if (version < 1) {
                throw new IllegalArgumentException("an event version is at least 1, got " + version);
            }
        }
    }

    /** {@return an upcaster that changes the document with {@code change} and stores it as {@code name}, {@code version}} */
    static Upcaster to(String name, long version, UnaryOperator<ObjectNode> change) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(change, "change");
        return data -> List.of(new Document(name, version, change.apply(data)));
    }

    /** {@return an upcaster that keeps the document as it is under {@code name}, {@code version} (a renamed event)} */
    static Upcaster renameTo(String name, long version) {
        return to(name, version, UnaryOperator.identity());
    }

    /** {@return an upcaster that drops the event: readers do not see it} */
    static Upcaster drop() {
        return data -> List.of();
    }
}
