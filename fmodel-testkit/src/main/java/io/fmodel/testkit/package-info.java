/**
 * Given/when/then specifications ({@link io.fmodel.testkit.DeciderSpec}, {@link io.fmodel.testkit.ViewSpec},
 * {@link io.fmodel.testkit.SagaSpec}) and property-based laws ({@link io.fmodel.testkit.DeciderLaws}, {@link io.fmodel.testkit.ViewLaws}, on
 * QuickTheories) for deciders, views and sagas. Depend on this module in test scope.
 *
 * {@snippet :
 * @Test
 * void adding_beyond_the_limit_is_rejected() {
 *     DeciderSpec.of(counter).given(new Added(60)).when(new Add(50)).thenEvents(new AddRejected(50));
 * }
 *
 * @Test
 * void the_counter_obeys_the_decider_laws() {
 *     DeciderLaws.of(counter, integers().between(0, 50).map(Add::new)).all();
 * }
 * }
 */
@NullMarked
package io.fmodel.testkit;

import org.jspecify.annotations.NullMarked;
