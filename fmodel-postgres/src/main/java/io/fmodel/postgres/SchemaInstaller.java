package io.fmodel.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Installs the event store schema: the files of {@code sql/}, packaged in this jar, applied in file-name order.
 *
 * <p>The very files psql would apply ({@code for f in sql/*.sql; do psql -v ON_ERROR_STOP=1 -f "$f"; done}), into
 * the first schema of the connection's {@code search_path}. Idempotent: each file records itself in
 * {@code schema_version}, and files already recorded are skipped; the files themselves are also safe to apply twice.
 * Upgrades are new numbered files, never edits of applied ones. One transaction, under an advisory lock, so that
 * concurrent installers (several application instances starting at once) do not race. Does I/O.
 *
 * {@snippet :
 * List<String> applied = SchemaInstaller.install(dataSource); // [] when it was installed before
 * }
 */
public final class SchemaInstaller {

    /**
     * The files of {@code sql/} (not {@code sql/optional/}), in the order they are applied. A test keeps this list
     * equal to the directory.
     */
    public static final List<String> FILES =
            List.of("001_event_sourcing.sql", "002_event_streaming.sql", "003_snapshots.sql");

    private static final String RESOURCES = "/io/fmodel/postgres/sql/";

    // any constant: the key of the advisory lock that serialises installers in one database
    private static final long INSTALL_LOCK = 0x666d6f64656cL;

    private SchemaInstaller() {}

    /**
     * Applies the files of {@link #FILES} that the database has not recorded yet.
     *
     * @return the files applied now, empty if the schema was up to date
     * @throws EventStoreAccessException if a file cannot be applied; then nothing is applied
     */
    public static List<String> install(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                List<String> applied = install(connection);
                connection.commit();
                return applied;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new EventStoreAccessException(
                    "schema", "cannot install the event store schema: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    private static List<String> install(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, INSTALL_LOCK);
            lock.execute();
        }
        List<String> applied = new ArrayList<>();
        for (String file : FILES) {
            if (!isApplied(connection, file)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql(file));
                } catch (SQLException e) {
                    throw new SQLException("cannot apply " + file + ": " + e.getMessage(), e.getSQLState(), e);
                }
                applied.add(file);
            }
        }
        return List.copyOf(applied);
    }

    private static boolean isApplied(Connection connection, String file) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet exists = statement.executeQuery("SELECT to_regclass('schema_version') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return false;
            }
        }
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM schema_version WHERE file = ?)")) {
            statement.setString(1, file);
            try (ResultSet recorded = statement.executeQuery()) {
                recorded.next();
                return recorded.getBoolean(1);
            }
        }
    }

    /**
     * {@return the text of one file of {@code sql/}, as packaged in this jar}
     *
     * @throws IllegalArgumentException if there is no such file
     * @throws EventStoreAccessException if it cannot be read
     */
    public static String sql(String file) {
        try (InputStream in = SchemaInstaller.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "no file " + file + " in sql/ (looked for " + RESOURCES + file + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EventStoreAccessException(
                    "schema", "cannot read " + file + " of sql/: " + e.getMessage(), null, e);
        }
    }
}
