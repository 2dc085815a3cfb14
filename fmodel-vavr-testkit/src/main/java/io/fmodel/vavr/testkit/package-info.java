/**
 * Given/when/then specifications ({@link io.fmodel.vavr.testkit.EitherDeciderSpec},
 * {@link io.fmodel.vavr.testkit.EitherAggregateSpec}) and property-based laws
 * ({@link io.fmodel.vavr.testkit.EitherDeciderLaws}, on QuickTheories) for {@code io.fmodel.vavr}. Depend on this
 * module in test scope.
 *
 * {@snippet :
 * @Test
 * void adding_past_the_limit_is_rejected() {
 *     EitherDeciderSpec.of(counter).given(new Added("c", 60)).when(new Add("c", 50)).thenRejected("over 100").thenState(60);
 * }
 * }
 */
@NullMarked
package io.fmodel.vavr.testkit;

import org.jspecify.annotations.NullMarked;
