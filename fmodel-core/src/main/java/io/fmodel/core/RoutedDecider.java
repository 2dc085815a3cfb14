package io.fmodel.core;

/**
 * A decider that knows, by type, which commands it decides and which events it evolves, so that it can be
 * {@linkplain Decider#combine combined} with others without ever routing on {@code null}.
 *
 * <p>Made by {@link Decider#routed} from a decider and two classes, or by {@link Decider#combine} from two routed
 * deciders (then it handles the union of their types). Routing is {@link Class#isInstance}: a sealed command
 * interface per decider is the natural type to route on. Sealed: those two are the only routed deciders, so a
 * combined decider always routes by the classes its leaves were given, and hands each side only commands and
 * events of that side's own types.
 *
 * {@snippet :
 * RoutedDecider<OrderCommand, Order, OrderEvent> routedOrders = orders.routed(OrderCommand.class, OrderEvent.class);
 * boolean mine = routedOrders.decides(new PlaceOrder("o-1")); // true
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public sealed interface RoutedDecider<C, S, E> extends Decider<C, S, E> permits TypedDecider, CombinedDecider {

    /** {@return whether {@code command} is of a type this decider decides} */
    boolean decides(Object command);

    /** {@return whether {@code event} is of a type this decider evolves} */
    boolean evolves(Object event);
}
