package io.fmodel.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** One embedded server per test JVM; a fresh database, with the schema installed, per call of {@link #fresh()}. */
final class TestDatabases {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedStore store;

    private TestDatabases() {}

    static synchronized EmbeddedStore store() {
        if (store == null) {
            store = EmbeddedStore.start();
            Runtime.getRuntime().addShutdownHook(new Thread(store::close));
        }
        return store;
    }

    /** {@return a data source of a new, empty database with sql/ installed} */
    static DataSource fresh() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection connection = store().dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(store().jdbcUrl().replace("/postgres?", "/" + name + "?"));
        SchemaInstaller.install(dataSource);
        return dataSource;
    }
}
