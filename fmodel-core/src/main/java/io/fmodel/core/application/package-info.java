/**
 * The application layer: runs the pure domain against small repository ports.
 *
 * <p>Nothing here knows about a database; the ports ({@link io.fmodel.core.application.EventRepository}, ...) are
 * implemented in memory by this module and on PostgreSQL by {@code fmodel-postgres}.
 */
@NullMarked
package io.fmodel.core.application;

import org.jspecify.annotations.NullMarked;
