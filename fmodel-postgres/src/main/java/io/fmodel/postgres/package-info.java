/** The PostgreSQL adapter of the application layer's ports. */
@NullMarked
package io.fmodel.postgres;

import org.jspecify.annotations.NullMarked;
