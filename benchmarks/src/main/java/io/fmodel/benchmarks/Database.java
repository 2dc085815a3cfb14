package io.fmodel.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.postgres.EmbeddedStore;
import io.fmodel.postgres.SchemaInstaller;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The server the benchmarks run on: an embedded PostgreSQL, or an external one by JDBC URL. Every part of the run
 * gets a fresh schema of its own (dropped at the end) with {@code sql/} installed, so no part sees another's events.
 */
final class Database implements AutoCloseable {

    private final @Nullable EmbeddedStore embedded;
    private final String baseUrl;
    private final String user;
    private final String password;
    private final String prefix =
            "bench_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20)) + "_";
    private final List<String> schemas = new ArrayList<>();
    private final List<HikariDataSource> pools = new ArrayList<>();

    private Database(@Nullable EmbeddedStore embedded, String baseUrl, String user, String password) {
        this.embedded = embedded;
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
    }

    static Database open(@Nullable String jdbcUrl, String user, String password) {
        if (jdbcUrl != null) {
            return new Database(null, jdbcUrl, user, password);
        }
        EmbeddedStore store = EmbeddedStore.start();
        return new Database(store, store.jdbcUrl(), "postgres", "postgres");
    }

    boolean embedded() {
        return embedded != null;
    }

    /** {@return a pool on a new schema with the event store installed} */
    HikariDataSource schema(String name, int poolSize) throws SQLException {
        String schema = prefix + name;
        try (Connection admin = admin();
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        schemas.add(schema);
        HikariConfig config = new HikariConfig();
        // by class name: under exec:java, DriverManager does not see the driver unless something loaded it first
        config.setDriverClassName(org.postgresql.Driver.class.getName());
        config.setJdbcUrl(baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(poolSize);
        config.setPoolName(schema);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        SchemaInstaller.install(pool);
        try (Connection c = pool.getConnection();
                Statement statement = c.createStatement()) {
            statement.execute("ANALYZE");
        }
        return pool;
    }

    /** {@return the server's version and the settings that decide write throughput} */
    Map<String, String> settings() throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection c = admin();
                Statement statement = c.createStatement()) {
            for (String name : List.of(
                    "server_version",
                    "synchronous_commit",
                    "fsync",
                    "full_page_writes",
                    "wal_level",
                    "shared_buffers",
                    "work_mem",
                    "max_connections",
                    "jit")) {
                try (ResultSet rows = statement.executeQuery("SHOW " + name)) {
                    rows.next();
                    settings.put(name, rows.getString(1));
                }
            }
        }
        return settings;
    }

    private Connection admin() throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        Connection connection = new org.postgresql.Driver().connect(baseUrl, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + baseUrl);
        }
        return connection;
    }

    @Override
    public void close() throws SQLException {
        pools.forEach(HikariDataSource::close);
        if (embedded != null) {
            embedded.close();
            return;
        }
        try (Connection c = admin();
                Statement statement = c.createStatement()) {
            for (String schema : schemas) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
