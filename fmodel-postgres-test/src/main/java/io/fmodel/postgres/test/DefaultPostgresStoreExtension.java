package io.fmodel.postgres.test;

import io.fmodel.postgres.PostgresEventStore;
import java.time.Duration;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;

/** {@link PostgresStoreExtension}: one database per test method, copied from the server's template. */
final class DefaultPostgresStoreExtension implements PostgresStoreExtension {

    /** The image of {@link PostgresStoreExtension#testcontainers()}: the PostgreSQL version the project tests on. */
    static final String CONTAINER_IMAGE = "postgres:17-alpine";

    /** How long a test's borrowed connections may take to come back after it (a closing processor's last ones). */
    static final Duration GRACE = Duration.ofSeconds(2);

    private final ServerSource source;
    private volatile @Nullable Current current;

    private record Current(Server.Database database, PostgresEventStore store) {}

    DefaultPostgresStoreExtension(ServerSource source) {
        this.source = source;
    }

    /** {@return the extension of {@link PostgresStoreExtension#of()}, reading the variables from {@code env}} */
    static DefaultPostgresStoreExtension fromEnvironment(Function<String, @Nullable String> env) {
        String url = env.apply(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return new DefaultPostgresStoreExtension(ServerSource.embedded());
        }
        return new DefaultPostgresStoreExtension(
                ServerSource.external(url, orElse(env.apply(USER_VARIABLE)), orElse(env.apply(PASSWORD_VARIABLE))));
    }

    private static String orElse(@Nullable String value) {
        return value == null ? "postgres" : value;
    }

    /** {@return where this extension's databases live} */
    ServerSource source() {
        return source;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (current != null) {
            throw new IllegalStateException("PostgresStoreExtension on " + source.describe()
                    + " serves one test at a time: run the test methods of "
                    + context.getRequiredTestClass().getName() + " on one thread (the default), or register one"
                    + " extension per test instance (a non-static field)");
        }
        Server.Database database = source.server().create();
        current = new Current(database, PostgresEventStore.of(database.pool()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Current ended = current;
        current = null;
        if (ended == null) {
            return;
        }
        int borrowed = ended.database().close(GRACE);
        if (borrowed > 0) {
            throw new IllegalStateException("PostgresStoreExtension: " + borrowed + " connection(s) of the store were"
                    + " still borrowed " + GRACE.toMillis() + " ms after " + context.getDisplayName()
                    + " ended: close the processors the test starts (try-with-resources) and its own connections"
                    + " before it ends. Its database " + ended.database().name() + " is dropped all the same.");
        }
    }

    @Override
    public PostgresEventStore store() {
        return current().store();
    }

    @Override
    public DataSource dataSource() {
        return current().database().pool();
    }

    @Override
    public String jdbcUrl() {
        return current().database().url();
    }

    @Override
    public String user() {
        return current().database().server().user();
    }

    @Override
    public String password() {
        return current().database().server().password();
    }

    private Current current() {
        Current now = current;
        if (now == null) {
            throw new IllegalStateException("PostgresStoreExtension's store exists during a test method only (from"
                    + " before its @BeforeEach methods to after its @AfterEach methods): register the extension"
                    + " with @RegisterExtension and use it in a test");
        }
        return now;
    }

    @Override
    public String toString() {
        return "PostgresStoreExtension[" + source.describe() + "]";
    }
}
