/**
 * The pure domain: {@link io.fmodel.core.Decider}, {@link io.fmodel.core.View} and {@link io.fmodel.core.Saga}.
 *
 * <p>Nothing in this package does I/O, keeps mutable state or reads the clock: every function is a pure function of
 * its arguments, so a domain is tested by calling it.
 */
@NullMarked
package io.fmodel.core;

import org.jspecify.annotations.NullMarked;
