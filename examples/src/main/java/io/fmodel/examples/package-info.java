/** A real domain: training registrations, courses and certificates. */
@NullMarked
package io.fmodel.examples;

import org.jspecify.annotations.NullMarked;
