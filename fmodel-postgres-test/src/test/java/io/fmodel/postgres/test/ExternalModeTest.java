package io.fmodel.postgres.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.postgres.ViewProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The external mode: {@code FMODEL_TEST_JDBC_URL} (and its user and password) selects a server of one's own. Without
 * a second server here, the environment given to the extension names the embedded server's URL (or the real
 * {@code FMODEL_TEST_JDBC_URL} when it is set): everything then goes through the external path (the URL, the
 * credentials, a template and databases made on that server through JDBC alone).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExternalModeTest {

    /** A server that is "external" to the extension under test: reached by its URL only. */
    private static final Map<String, String> ENVIRONMENT = environment();

    @RegisterExtension
    static final DefaultPostgresStoreExtension db = DefaultPostgresStoreExtension.fromEnvironment(ENVIRONMENT::get);

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        String url = System.getenv(PostgresStoreExtension.URL_VARIABLE);
        if (url != null) {
            env.put(PostgresStoreExtension.URL_VARIABLE, url);
            env.put(PostgresStoreExtension.USER_VARIABLE, System.getenv(PostgresStoreExtension.USER_VARIABLE));
            env.put(PostgresStoreExtension.PASSWORD_VARIABLE, System.getenv(PostgresStoreExtension.PASSWORD_VARIABLE));
        } else {
            Server embedded = ServerSource.embedded().server();
            env.put(PostgresStoreExtension.URL_VARIABLE, embedded.url());
            env.put(PostgresStoreExtension.USER_VARIABLE, embedded.user());
            env.put(PostgresStoreExtension.PASSWORD_VARIABLE, embedded.password());
        }
        return env;
    }

    @Test
    @Order(1)
    void the_url_variable_selects_the_external_server_and_its_credentials() {
        assertThat(db.source()).isInstanceOf(ServerSource.External.class).isNotEqualTo(ServerSource.embedded());
        String url = ENVIRONMENT.get(PostgresStoreExtension.URL_VARIABLE);
        assertThat(db.jdbcUrl())
                .as("a database of its own on the server of the URL")
                .startsWith(url.substring(0, url.indexOf('/', "jdbc:postgresql://".length())))
                .contains("/fmodel_test_");
        assertThat(db.user()).isEqualTo(ENVIRONMENT.get(PostgresStoreExtension.USER_VARIABLE));
    }

    @Test
    @Order(2)
    void a_test_on_the_external_server_writes_events_and_a_view() throws Exception {
        writesFromAnEmptyStore();
    }

    @Test
    @Order(3)
    void the_next_test_on_the_external_server_starts_from_an_empty_store() throws Exception {
        writesFromAnEmptyStore();
    }

    @Test
    void without_the_url_variable_the_server_is_the_embedded_one() {
        assertThat(DefaultPostgresStoreExtension.fromEnvironment(name -> null).source())
                .isEqualTo(ServerSource.embedded());
        assertThat(DefaultPostgresStoreExtension.fromEnvironment(name -> name.endsWith("URL") ? " " : null)
                        .source())
                .isEqualTo(ServerSource.embedded());
    }

    @Test
    void user_and_password_default_to_postgres() {
        assertThat(DefaultPostgresStoreExtension.fromEnvironment(
                                name -> name.equals(PostgresStoreExtension.URL_VARIABLE)
                                        ? "jdbc:postgresql://db.example:5433/app"
                                        : null)
                        .source())
                .isEqualTo(ServerSource.external("jdbc:postgresql://db.example:5433/app", "postgres", "postgres"));
    }

    @Test
    void an_external_url_of_another_form_is_refused_at_once() {
        assertThatThrownBy(() -> PostgresStoreExtension.external("jdbc:mysql://localhost/app", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://host[:port]/database");
    }

    @Test
    void the_test_database_keeps_the_urls_properties() {
        assertThat(Server.databaseUrl("jdbc:postgresql://h:5432/app?ssl=true&user=x", "t1"))
                .isEqualTo("jdbc:postgresql://h:5432/t1?ssl=true&user=x");
        assertThat(Server.databaseUrl("jdbc:postgresql://h1:5432,h2:5432/app", "t1"))
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5432/t1");
        assertThat(Server.databaseUrl("jdbc:postgresql://h?ssl=true", "t1"))
                .isEqualTo("jdbc:postgresql://h/t1?ssl=true");
    }

    private static void writesFromAnEmptyStore() throws Exception {
        assertThat(Counter.count(db.dataSource(), "SELECT count(*) FROM events"))
                .isZero();
        try (ViewProcessor totals = Counter.startTotals(db.store())) {
            Counter.aggregate(db.store()).handle(new Counter.Add("c-1", 5));
            assertThat(Counter.awaitTotal(db.store(), "c-1", 5)).isEqualTo(Optional.of(5));
        }
        assertThat(Counter.count(db.dataSource(), "SELECT count(*) FROM events"))
                .isEqualTo(1);
    }
}
