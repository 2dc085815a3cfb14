package io.fmodel.postgres;

import java.util.List;
import java.util.Optional;

/**
 * The mapping between a decider's event classes and the (decider, event name, version) triples the event store
 * registers and stores.
 *
 * <p>Immutable and pure. {@link #of} derives the mapping from a sealed event interface: every permitted record (also
 * through nested sealed interfaces) is stored under its simple class name, version 1. {@link #with} adds a class or
 * overrides its name and version. Laws: a class maps to exactly one (name, version); a (name, version) maps to
 * exactly one class; so encoding then decoding gives back the class.
 *
 * <p>The version of a class is its current version: writers always write it. Older versions, and names no class
 * bears any more, are read through {@link Upcaster}s registered with {@link #upcasting}, keyed by the stored (name,
 * version); they are registered with the store as well, so that old events stay valid in {@code deciders}.
 * docs/event-evolution.md.
 *
 * {@snippet :
 * sealed interface TrainingEvent permits RegistrationCreated, RegistrationCancelled {}
 *
 * EventTypes<TrainingEvent> types = EventTypes.of("training", TrainingEvent.class)
 *         .with(RegistrationCancelled.class, "RegistrationCancelled", 2); // its JSON shape changed once
 * }
 *
 * @param <E> the decider's event type
 */
public interface EventTypes<E> {

    /**
     * {@return the types of {@code eventType}'s permitted subclasses (simple name, version 1) if it is sealed, or of
     * {@code eventType} itself if it is a concrete class, for the decider named {@code decider}}
     *
     * @throws IllegalArgumentException if two classes share a simple name
     */
    static <E> EventTypes<E> of(String decider, Class<E> eventType) {
        return DefaultEventTypes.derive(decider, eventType);
    }

    /**
     * {@return a copy that stores {@code type} as {@code name}, version {@code version}, replacing its previous mapping}
     *
     * @throws IllegalArgumentException if another class already has that name and version, or version is below 1
     */
    EventTypes<E> with(Class<? extends E> type, String name, long version);

    /**
     * {@return a copy that reads stored events of {@code name}, version {@code version} through {@code upcaster},
     * replacing an upcaster of that (name, version)}
     *
     * @throws IllegalArgumentException if a class is registered as that name and version (it is a current version),
     *     the name is empty or above 128 bytes, or the version out of range
     */
    EventTypes<E> upcasting(String name, long version, Upcaster upcaster);

    /** {@return the decider name, the {@code decider} column of its events} */
    String decider();

    /** {@return the decider's event type, the supertype of every registered class} */
    Class<E> eventType();

    /** {@return every registered type, sorted by name and version} */
    List<Type> types();

    /** {@return the type a class is stored as, if it is registered} */
    Optional<Type> typeOf(Class<?> javaClass);

    /** {@return the class a stored (name, version) decodes to, if it is registered} */
    Optional<Type> typeOf(String name, long version);

    /** {@return every registered upcaster, sorted by name and version} */
    List<Upcasting> upcasters();

    /** {@return the upcaster of a stored (name, version), if one is registered} */
    Optional<Upcasting> upcasterOf(String name, long version);

    /**
     * One event type: how one Java class is stored.
     *
     * @param name the {@code event} column
     * @param version the {@code event_version} column
     * @param javaClass the class its {@code data} decodes to
     */
    record Type(String name, long version, Class<?> javaClass) {}

    /**
     * One upcasting step: how a stored (name, version) that is not current is read.
     *
     * @param name the stored {@code event} column
     * @param version the stored {@code event_version} column
     * @param upcaster what turns its document into documents of later versions
     */
    record Upcasting(String name, long version, Upcaster upcaster) {}
}
