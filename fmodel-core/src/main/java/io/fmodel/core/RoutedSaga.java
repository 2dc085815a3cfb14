package io.fmodel.core;

/**
 * A saga that knows, by type, which action results it reacts to, so that it can be {@linkplain Saga#combine
 * combined}.
 *
 * <p>Made by {@link Saga#routed} or {@link Saga#combine}; routing is {@link Class#isInstance}, never {@code null}.
 * Sealed: those are the only routed sagas, so a combined saga routes by the classes its leaves were given.
 *
 * {@snippet :
 * RoutedSaga<OrderPlaced, Command> routed = shipping.routed(OrderPlaced.class);
 * }
 *
 * @param <AR> action result type
 * @param <A> action type
 */
public sealed interface RoutedSaga<AR, A> extends Saga<AR, A> permits TypedSaga, CombinedSaga {

    /** {@return whether {@code actionResult} is of a type this saga reacts to} */
    boolean reactsTo(Object actionResult);
}
