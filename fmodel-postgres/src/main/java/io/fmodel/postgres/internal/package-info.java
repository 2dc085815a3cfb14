/** Handwritten helpers of the PostgreSQL adapter; not an API. Generated jOOQ code is in the {@code jooq} subpackage. */
@NullMarked
package io.fmodel.postgres.internal;

import org.jspecify.annotations.NullMarked;
