package io.fmodel.postgres.test;

import io.fmodel.postgres.PostgresEventStore;
import java.util.Objects;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;

/**
 * A JUnit 5 extension that gives every test method a clean event store: a database of its own with {@code sql/}
 * installed, on one PostgreSQL server per test JVM.
 *
 * <p>Each test method gets a new database, copied from a template that has the schema installed
 * ({@code CREATE DATABASE ... TEMPLATE}, a few tens of milliseconds), served by its own HikariCP pool, and dropped
 * after the test. So nothing a test writes is seen by the next one, in this class or another: no events, no
 * registered views, positions or parked partitions, no view tables, and offsets start from 1 again. The store,
 * its data source and its URL are there from before the class's {@code @BeforeEach} methods to after its
 * {@code @AfterEach} methods; not in {@code @BeforeAll}.
 *
 * <p>Close every processor the test starts before it ends (try-with-resources): after the test the extension waits up
 * to two seconds for the pool's connections to be returned, and fails the test if one is still borrowed. The database
 * is dropped in any case, so a processor left running can never reach the next test's events.
 *
 * <p>The server, by factory: {@link #of()} is your own server when {@code FMODEL_TEST_JDBC_URL} is set, else an
 * embedded PostgreSQL; {@link #embedded()}, {@link #external} and {@link #testcontainers()} ask for one. The role needs
 * the right to create databases. Test methods of one class must not run concurrently on one instance.
 *
 * {@snippet :
 * class CounterStoreTest {
 *     @RegisterExtension
 *     static final PostgresStoreExtension db = PostgresStoreExtension.of();
 *
 *     @Test
 *     void an_added_amount_is_stored() {
 *         var repository = db.store().repository(EventTypes.of("counter", CounterEvent.class), Add::counterId);
 *         EventSourcingAggregate.of(COUNTER, repository).handle(new Add("c-1", 5));
 *         assertThat(repository.read("c-1")).hasSize(1);       // and the next test starts from an empty store
 *     }
 * }
 * }
 */
public interface PostgresStoreExtension extends BeforeEachCallback, AfterEachCallback {

    /** The environment variables {@link #of()} reads, the same as the project's own tests. */
    String URL_VARIABLE = "FMODEL_TEST_JDBC_URL";

    /** The user of {@link #URL_VARIABLE}'s server; {@code postgres} when unset. */
    String USER_VARIABLE = "FMODEL_TEST_JDBC_USER";

    /** The password of {@link #URL_VARIABLE}'s server; {@code postgres} when unset. */
    String PASSWORD_VARIABLE = "FMODEL_TEST_JDBC_PASSWORD";

    /**
     * {@return the extension on the server of {@code FMODEL_TEST_JDBC_URL} (with {@code FMODEL_TEST_JDBC_USER} and
     * {@code FMODEL_TEST_JDBC_PASSWORD}) when it is set, else on the embedded PostgreSQL of {@link #embedded()}}
     */
    static PostgresStoreExtension of() {
        return DefaultPostgresStoreExtension.fromEnvironment(System::getenv);
    }

    /**
     * {@return the extension on an embedded PostgreSQL ({@link io.fmodel.postgres.EmbeddedStore}), started on first
     * use and shared by every test class of the JVM}
     */
    static PostgresStoreExtension embedded() {
        return new DefaultPostgresStoreExtension(ServerSource.embedded());
    }

    /**
     * {@return the extension on your own server: test databases are created beside the database of {@code jdbcUrl}}
     *
     * @param jdbcUrl {@code jdbc:postgresql://host[:port]/database[?properties]}
     * @throws IllegalArgumentException if {@code jdbcUrl} is not of that form
     */
    static PostgresStoreExtension external(String jdbcUrl, String user, String password) {
        return new DefaultPostgresStoreExtension(ServerSource.external(
                Objects.requireNonNull(jdbcUrl), Objects.requireNonNull(user), Objects.requireNonNull(password)));
    }

    /**
     * {@return the extension on a Testcontainers PostgreSQL ({@code postgres:17-alpine}),
     * started on first use and shared by every test class of the JVM}
     *
     * <p>Needs {@code org.testcontainers:testcontainers-postgresql} (2.x) in test scope; without it the tests fail
     * with a message naming it. When no Docker daemon answers, the tests are skipped (aborted) with a message that says
     * so.
     */
    static PostgresStoreExtension testcontainers() {
        return testcontainers(DefaultPostgresStoreExtension.CONTAINER_IMAGE);
    }

    /** {@return the extension on a Testcontainers PostgreSQL of {@code image}, as {@link #testcontainers()}} */
    static PostgresStoreExtension testcontainers(String image) {
        return new DefaultPostgresStoreExtension(ServerSource.testcontainers(Objects.requireNonNull(image)));
    }

    /**
     * {@return the event store of the current test's database: {@code PostgresEventStore.of(dataSource())}, schema
     * installed}
     *
     * @throws IllegalStateException outside a test method
     */
    PostgresEventStore store();

    /**
     * {@return the pooled (HikariCP) data source of the current test's database}
     *
     * @throws IllegalStateException outside a test method
     */
    DataSource dataSource();

    /**
     * {@return the JDBC URL of the current test's database, for a connection of your own with {@link #user()} and
     * {@link #password()}}
     *
     * @throws IllegalStateException outside a test method
     */
    String jdbcUrl();

    /**
     * {@return the user of the current test's connections}
     *
     * @throws IllegalStateException outside a test method
     */
    String user();

    /**
     * {@return the password of the current test's connections}
     *
     * @throws IllegalStateException outside a test method
     */
    String password();
}
