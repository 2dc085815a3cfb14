package io.fmodel.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension for tests against a real PostgreSQL: a fresh schema per test class, with {@code sql/} installed.
 *
 * <p>The server is {@code FMODEL_TEST_JDBC_URL} (with {@code FMODEL_TEST_JDBC_USER} and
 * {@code FMODEL_TEST_JDBC_PASSWORD}) when set, else one embedded PostgreSQL per test JVM, started on first use. Each
 * test class gets its own schema (dropped after the class) and a pooled {@link DataSource} whose connections have
 * that schema as {@code search_path}, so test classes never see each other's events.
 *
 * {@snippet :
 * class MyStreamingIT {
 *     @RegisterExtension
 *     static final TestDatabase db = new TestDatabase();
 *
 *     @Test
 *     void something() {
 *         var repository = PostgresEventStore.of(db.dataSource()).repository(types, Command::id);
 *     }
 * }
 * }
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {

    private @Nullable String schema;
    private @Nullable HikariDataSource dataSource;

    /** {@return the pooled data source of this test class's schema} */
    public DataSource dataSource() {
        return Objects.requireNonNull(dataSource, "TestDatabase is used before beforeAll: register it statically");
    }

    /** {@return this test class's schema} */
    public String schema() {
        return Objects.requireNonNull(schema, "TestDatabase is used before beforeAll: register it statically");
    }

    /** {@return a new, unpooled connection to this test class's schema (for holding a transaction open)} */
    public Connection connection() throws SQLException {
        return DriverManager.getConnection(Server.url(schema()), Server.USER, Server.PASSWORD);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        schema = "it_"
                + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
                + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        try (Connection admin = DriverManager.getConnection(Server.url(null), Server.USER, Server.PASSWORD);
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(Server.url(schema));
        config.setUsername(Server.USER);
        config.setPassword(Server.PASSWORD);
        config.setMaximumPoolSize(24);
        config.setPoolName(schema);
        dataSource = new HikariDataSource(config);
        SchemaInstaller.install(dataSource);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (dataSource != null) {
            dataSource.close();
        }
        if (schema != null && System.getenv("FMODEL_TEST_KEEP_SCHEMAS") == null) {
            try (Connection admin = DriverManager.getConnection(Server.url(null), Server.USER, Server.PASSWORD);
                    Statement statement = admin.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /** The one server of this JVM. */
    private static final class Server {

        private static final @Nullable String EXTERNAL = System.getenv("FMODEL_TEST_JDBC_URL");
        static final String USER = env("FMODEL_TEST_JDBC_USER", "postgres");
        static final String PASSWORD = env("FMODEL_TEST_JDBC_PASSWORD", "postgres");
        private static final String BASE = EXTERNAL != null ? EXTERNAL : Embedded.URL;

        static String url(@Nullable String schema) {
            if (schema == null) {
                return BASE;
            }
            return BASE + (BASE.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }

        private static String env(String name, String otherwise) {
            String value = System.getenv(name);
            return value == null ? otherwise : value;
        }
    }

    /** Started on first use only, so that an external server needs no embedded one. */
    private static final class Embedded {

        static final String URL;

        static {
            try {
                // two-phase commit for TwoPhaseCommitIT (PostgreSQL's default, 0, disables it)
                EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                        .setServerConfig("max_prepared_transactions", "8")
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
                URL = postgres.getJdbcUrl("postgres", "postgres").replaceAll("[?&]user=.*$", "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
