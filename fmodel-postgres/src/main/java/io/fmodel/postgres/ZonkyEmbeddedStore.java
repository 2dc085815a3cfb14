package io.fmodel.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.sql.DataSource;

/** {@link EmbeddedStore} on zonky's embedded PostgreSQL; loaded only when used, zonky being optional. */
final class ZonkyEmbeddedStore implements EmbeddedStore {

    private final EmbeddedPostgres postgres;

    private ZonkyEmbeddedStore(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static EmbeddedStore start() {
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder().start();
        } catch (IOException | RuntimeException e) {
            throw new EventStoreAccessException(
                    "embedded",
                    "cannot start embedded PostgreSQL: " + e.getMessage() + rootHint() + binariesHint(e),
                    null,
                    e);
        }
        try {
            SchemaInstaller.install(postgres.getPostgresDatabase());
        } catch (RuntimeException e) {
            close(postgres);
            throw e;
        }
        return new ZonkyEmbeddedStore(postgres);
    }

    /** PostgreSQL's initdb and server refuse to run as root; say what to do instead of a bare process failure. */
    private static String rootHint() {
        return "root".equals(System.getProperty("user.name"))
                ? " (PostgreSQL refuses to run as root: as root, embedded PostgreSQL needs `unshare` (util-linux)"
                        + " with user namespaces enabled, or run as another user)"
                : "";
    }

    /** zonky finds no binaries for this platform when their artifact is missing: name it. */
    private static String binariesHint(Exception e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("binar") ? " (add " + EmbeddedStore.DEPENDENCIES + ")" : "";
    }

    @Override
    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    @Override
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() {
        close(postgres);
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
