/**
 * A JUnit 5 extension that gives each test a clean event store of {@code sql/}: embedded PostgreSQL by default, your
 * own server when {@code FMODEL_TEST_JDBC_URL} is set, Testcontainers when asked for. Exports its one package.
 */
module io.fmodel.postgres.test {
    requires transitive io.fmodel.postgres;
    requires transitive org.junit.jupiter.api;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires static org.jspecify;
    // Testcontainers (optional, the container mode only) is not required here: its 2.x jars split packages and
    // cannot be modules. It is compiled against from the class path (--add-reads ...=ALL-UNNAMED in the pom), and
    // Containers adds the read at run time before the one class that names its types is loaded.

    exports io.fmodel.postgres.test;
}
