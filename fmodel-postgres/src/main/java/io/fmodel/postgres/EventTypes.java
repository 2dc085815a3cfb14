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

    /**
     * One event type: how one Java class is stored.
     *
     * @param name the {@code event} column
     * @param version the {@code event_version} column
     * @param javaClass the class its {@code data} decodes to
     */
    record Type(String name, long version, Class<?> javaClass) {}
}
