/**
 * The benchmark harness: the framework against raw JDBC and against the physical limit, measured side by side in one
 * run and printed as one table of ratios. Run {@link io.fmodel.benchmarks.Benchmarks}; see docs/benchmarks.md.
 */
@NullMarked
package io.fmodel.benchmarks;

import org.jspecify.annotations.NullMarked;
