package io.fmodel.postgres;

import io.fmodel.postgres.internal.Identifiers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The immutable implementation of {@link EventTypes}: a small list, searched linearly (a decider has few events). */
record DefaultEventTypes<E>(
        String decider, Class<E> eventType, List<EventTypes.Type> types, List<EventTypes.Upcasting> upcasters)
        implements EventTypes<E> {

    DefaultEventTypes {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(eventType, "eventType");
        if (decider.isBlank()) {
            throw new IllegalArgumentException("decider name must not be blank");
        }
        Identifiers.requireName("decider name", decider);
        for (Type type : types) {
            Identifiers.requireName("event name of " + type.javaClass().getName(), type.name());
            if (type.version() < 1 || type.version() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "event version of " + type.javaClass().getName() + " must be 1 to " + Integer.MAX_VALUE
                                + ", got " + type.version());
            }
        }
        types = types.stream()
                .sorted(Comparator.comparing(Type::name).thenComparingLong(Type::version))
                .toList();
        for (int i = 1; i < types.size(); i++) {
            Type a = types.get(i - 1);
            Type b = types.get(i);
            if (a.name().equals(b.name()) && a.version() == b.version()) {
                throw new IllegalArgumentException("event type " + a.name() + " version " + a.version()
                        + " is used by two classes: " + a.javaClass().getName() + " and "
                        + b.javaClass().getName());
            }
        }
        for (Upcasting upcasting : upcasters) {
            Identifiers.requireName("event name of an upcaster", upcasting.name());
            requireVersion("an upcaster of " + upcasting.name(), upcasting.version());
            for (Type type : types) {
                if (type.name().equals(upcasting.name()) && type.version() == upcasting.version()) {
                    throw new IllegalArgumentException("event type " + type.name() + " version " + type.version()
                            + " is the current version of " + type.javaClass().getName()
                            + ": it cannot have an upcaster");
                }
            }
        }
        upcasters = upcasters.stream()
                .sorted(Comparator.comparing(Upcasting::name).thenComparingLong(Upcasting::version))
                .toList();
    }

    private static void requireVersion(String what, long version) {
        if (version < 1 || version > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "event version of " + what + " must be 1 to " + Integer.MAX_VALUE + ", got " + version);
        }
    }

    static <E> EventTypes<E> derive(String decider, Class<E> eventType) {
        Objects.requireNonNull(eventType, "eventType");
        List<Type> types = new ArrayList<>();
        collect(eventType, types);
        return new DefaultEventTypes<>(decider, eventType, types, List.of());
    }

    private static void collect(Class<?> type, List<Type> into) {
        if (type.isSealed()) {
            for (Class<?> permitted : type.getPermittedSubclasses()) {
                collect(permitted, into);
            }
        } else if (!type.isInterface() && !java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            into.add(new Type(type.getSimpleName(), 1, type));
        }
    }

    @Override
    public EventTypes<E> with(Class<? extends E> type, String name, long version) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (version < 1) {
            throw new IllegalArgumentException("event version must be at least 1, got " + version);
        }
        List<Type> next = new ArrayList<>(
                types.stream().filter(t -> !t.javaClass().equals(type)).toList());
        next.add(new Type(name, version, type));
        return new DefaultEventTypes<>(decider, eventType, next, upcasters);
    }

    @Override
    public EventTypes<E> upcasting(String name, long version, Upcaster upcaster) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(upcaster, "upcaster");
        List<Upcasting> next = new ArrayList<>(upcasters.stream()
                .filter(u -> !(u.name().equals(name) && u.version() == version))
                .toList());
        next.add(new Upcasting(name, version, upcaster));
        return new DefaultEventTypes<>(decider, eventType, types, next);
    }

    @Override
    public Optional<Upcasting> upcasterOf(String name, long version) {
        return upcasters.stream()
                .filter(u -> u.version() == version && u.name().equals(name))
                .findFirst();
    }

    @Override
    public Optional<Type> typeOf(Class<?> javaClass) {
        return types.stream().filter(t -> t.javaClass().equals(javaClass)).findFirst();
    }

    @Override
    public Optional<Type> typeOf(String name, long version) {
        return types.stream()
                .filter(t -> t.version() == version && t.name().equals(name))
                .findFirst();
    }
}
