package io.fmodel.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;

/** {@link EmbeddedStore} on zonky's embedded PostgreSQL; loaded only when used, zonky being optional. */
final class ZonkyEmbeddedStore implements EmbeddedStore {

    /** Enough for the processors of an example and a few writers; an idle connection is closed after a minute. */
    static final int MAX_POOL_SIZE = 20;

    private final EmbeddedPostgres postgres;
    private final HikariDataSource pool;

    private ZonkyEmbeddedStore(EmbeddedPostgres postgres, HikariDataSource pool) {
        this.postgres = postgres;
        this.pool = pool;
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
        HikariDataSource pool = null;
        try {
            HikariConfig config = new HikariConfig();
            config.setDataSource(postgres.getPostgresDatabase());
            config.setPoolName("fmodel-embedded");
            config.setMaximumPoolSize(MAX_POOL_SIZE);
            config.setMinimumIdle(0);
            config.setIdleTimeout(Duration.ofMinutes(1).toMillis());
            pool = new HikariDataSource(config);
            SchemaInstaller.install(pool);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            close(postgres);
            throw e;
        }
        return new ZonkyEmbeddedStore(postgres, pool);
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
        return pool;
    }

    @Override
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() {
        pool.close();
        close(postgres);
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new EventStoreAccessException(
                    "embedded", "cannot stop embedded PostgreSQL: " + e.getMessage(), null, e);
        }
    }
}
