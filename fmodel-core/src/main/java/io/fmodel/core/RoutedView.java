package io.fmodel.core;

/**
 * A view that knows, by type, which events it evolves, so that it can be {@linkplain View#combine combined}.
 *
 * <p>Made by {@link View#routed} or {@link View#combine}; routing is {@link Class#isInstance}, never {@code null}.
 * Sealed: those are the only routed views, so a combined view routes by the classes its leaves were given.
 *
 * {@snippet :
 * RoutedView<Integer, OrderEvent> routed = orderCount.routed(OrderEvent.class);
 * }
 *
 * @param <S> view state type
 * @param <E> event type
 */
public sealed interface RoutedView<S, E> extends View<S, E> permits TypedView, CombinedView {

    /** {@return whether {@code event} is of a type this view evolves} */
    boolean evolves(Object event);
}
