package io.fmodel.postgres.test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.postgres.SchemaInstaller;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One PostgreSQL server of the test JVM: a template database with {@code sql/} installed, made on first use, and
 * the test databases copied from it. Names carry the JVM's pid and a random part, so that several JVMs (parallel
 * builds) can share one external server.
 */
final class Server {

    /** Enough for a test's processors (one connection per worker and one for the wake-up poller) and its writers. */
    static final int MAX_POOL_SIZE = 20;

    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]+)(?:/([^?]*))?(\\?.*)?");

    private final String url;
    private final String user;
    private final String password;
    private final boolean dropOnExit;
    private final String prefix;
    private final AtomicInteger databases = new AtomicInteger();
    private @Nullable String template; // guarded by this
    private int version; // server_version_num, guarded by this

    private Server(String url, String user, String password, boolean dropOnExit) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.dropOnExit = dropOnExit;
        this.prefix = "fmodel_test_" + ProcessHandle.current().pid() + "_"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    }

    /** {@return the server of {@code url} (any database of it); {@code dropOnExit}: drop the template at JVM exit} */
    static Server of(String url, String user, String password, boolean dropOnExit) {
        databaseUrl(url, "check");
        return new Server(url, user, password, dropOnExit);
    }

    /** {@return {@code url} with its database replaced by {@code database}, its properties kept} */
    static String databaseUrl(String url, String database) {
        Matcher matcher = URL.matcher(url);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "not a JDBC URL of the form jdbc:postgresql://host[:port]/database[?properties]: " + url);
        }
        String properties = matcher.group(3);
        return matcher.group(1) + "/" + database + (properties == null ? "" : properties);
    }

    /** {@return the URL the server was given (any database of it)} */
    String url() {
        return url;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** {@return a new database copied from the template, with its pool} */
    Database create() {
        String template = template();
        String name = prefix + "_" + databases.incrementAndGet();
        execute("CREATE DATABASE " + name + " TEMPLATE " + template
                // FILE_COPY: copies the files, a few ms; the default (WAL_LOG, 15+) writes every page to the WAL
                + (version() >= 150000 ? " STRATEGY FILE_COPY" : ""));
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(databaseUrl(url, name));
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName(name);
        config.setMaximumPoolSize(MAX_POOL_SIZE);
        config.setMinimumIdle(0); // no connections opened ahead of the test's own
        try {
            return new Database(this, name, databaseUrl(url, name), new HikariDataSource(config));
        } catch (RuntimeException e) {
            drop(name);
            throw e;
        }
    }

    /** Drops {@code database}, closing whatever connection is left to it. */
    void drop(String database) {
        execute("DROP DATABASE IF EXISTS " + database + (version() >= 130000 ? " WITH (FORCE)" : ""));
    }

    private synchronized int version() {
        template();
        return version;
    }

    /** {@return the template's name}: created with {@code sql/} installed on first use, then closed to connections */
    private synchronized String template() {
        String made = template;
        if (made != null) {
            return made;
        }
        String name = prefix + "_template";
        try (Connection admin = admin();
                Statement statement = admin.createStatement()) {
            try (ResultSet r = statement.executeQuery("SHOW server_version_num")) {
                r.next();
                version = Integer.parseInt(r.getString(1));
            }
            statement.execute("CREATE DATABASE " + name);
            try {
                PGSimpleDataSource install = new PGSimpleDataSource();
                install.setURL(databaseUrl(url, name));
                install.setUser(user);
                install.setPassword(password);
                SchemaInstaller.install(install);
                // a connection to the template would make CREATE DATABASE ... TEMPLATE fail: allow none
                statement.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
            } catch (SQLException | RuntimeException e) {
                statement.execute("DROP DATABASE IF EXISTS " + name);
                throw e;
            }
        } catch (SQLException e) {
            throw new ExtensionConfigurationException(
                    "PostgresStoreExtension cannot make its template database on " + url + " (the user " + user
                            + " needs the right to create databases, CREATEDB): " + e.getMessage(),
                    e);
        }
        if (dropOnExit) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(name), "fmodel-template-drop"));
        }
        template = name;
        return name;
    }

    private void execute(String sql) {
        try (Connection admin = admin();
                Statement statement = admin.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new ExtensionConfigurationException(
                    "PostgresStoreExtension: " + sql + " failed on " + url + ": " + e.getMessage(), e);
        }
    }

    /** {@return a connection to the database of the URL, for CREATE and DROP DATABASE (not in a transaction)} */
    private Connection admin() throws SQLException {
        Connection connection = DriverManager.getConnection(url, user, password);
        connection.setAutoCommit(true);
        return connection;
    }

    /** One test's database and its pool. */
    record Database(Server server, String name, String url, HikariDataSource pool) {

        /**
         * Closes the pool and drops the database.
         *
         * @return how many connections were still borrowed after waiting up to {@code grace} for them
         */
        int close(Duration grace) {
            int borrowed = borrowed();
            long deadline = System.nanoTime() + grace.toNanos();
            while (borrowed > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                borrowed = borrowed();
            }
            try {
                pool.close();
            } finally {
                server.drop(name);
            }
            return borrowed;
        }

        private int borrowed() {
            var bean = pool.getHikariPoolMXBean();
            return bean == null ? 0 : bean.getActiveConnections();
        }
    }
}
