package io.fmodel.core;

import java.util.Objects;

/**
 * The state of two combined deciders or views: the left side's state and the right side's state, side by side.
 *
 * <p>Combining never mixes the two: an event of the left side changes only {@code left}, one of the right side only
 * {@code right}. Combining a combination nests, so three deciders have a state {@code Both<Both<A, B>, C>}.
 *
 * {@snippet :
 * Both<Integer, String> state = Both.of(0, "");
 * Both<Integer, String> next = state.withLeft(1); // Both[left=1, right=]
 * }
 *
 * @param left the left side's state
 * @param right the right side's state
 * @param <L> left state type
 * @param <R> right state type
 */
public record Both<L, R>(L left, R right) {

    /** Checks that no side is null. */
    public Both {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
    }

    /** {@return the pair of {@code left} and {@code right}} */
    public static <L, R> Both<L, R> of(L left, R right) {
        return new Both<>(left, right);
    }

    /** {@return this pair with {@code left} replaced} */
    public Both<L, R> withLeft(L left) {
        return new Both<>(left, right);
    }

    /** {@return this pair with {@code right} replaced} */
    public Both<L, R> withRight(R right) {
        return new Both<>(left, right);
    }
}
