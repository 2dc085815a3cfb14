/**
 * Tests against a real event store: {@link io.fmodel.postgres.test.PostgresStoreExtension} gives each test method a
 * fresh database with {@code sql/} installed, copied from a template. Use it in test scope.
 */
@NullMarked
package io.fmodel.postgres.test;

import org.jspecify.annotations.NullMarked;
