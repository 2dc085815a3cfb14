package io.fmodel.examples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JDBC shared by the seed's relational views ({@link AvailableTrainingsTable}, {@link TrainingHistoryTable}):
 * tables keyed by {@code (trainee_id, position)}, whose rows of one trainee are locked, read and replaced together.
 */
final class TraineeRows {

    private TraineeRows() {}

    /** Binds one row to an insert whose first two parameters are {@code trainee_id} and {@code position}. */
    @FunctionalInterface
    interface Binder<R> {
        void bind(PreparedStatement insert, R row, int position) throws SQLException;
    }

    /** Reads one row of a result set. */
    @FunctionalInterface
    interface Reader<R> {
        R read(ResultSet result) throws SQLException;
    }

    /**
     * Serializes the updates of one trainee's rows until the transaction ends. Partitions are streams (trainings), and
     * a trainee has several, so two workers may update one trainee's rows at once; without this lock the second would
     * overwrite the first's rows with a state computed from rows it read before the first committed.
     */
    static void lock(Connection transaction, String table, String trainee) throws SQLException {
        try (PreparedStatement lock =
                transaction.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))")) {
            lock.setString(1, table);
            lock.setString(2, trainee);
            lock.executeQuery().close();
        }
    }

    /** Replaces the rows of {@code trainee} in {@code table} with {@code rows}, each inserted by {@code insertSql}. */
    static <R> void replace(
            Connection transaction, String table, String trainee, String insertSql, List<R> rows, Binder<R> binder)
            throws SQLException {
        try (PreparedStatement delete = transaction.prepareStatement("DELETE FROM " + table + " WHERE trainee_id = ?");
                PreparedStatement insert = transaction.prepareStatement(insertSql)) {
            delete.setString(1, trainee);
            delete.executeUpdate();
            for (int i = 0; i < rows.size(); i++) {
                binder.bind(insert, rows.get(i), i);
                insert.addBatch();
            }
            if (!rows.isEmpty()) {
                insert.executeBatch();
            }
        }
    }

    /** Deletes every row of {@code table}. */
    static void clear(Connection transaction, String table) throws SQLException {
        try (Statement statement = transaction.createStatement()) {
            statement.execute("DELETE FROM " + table);
        }
    }

    /** {@return the rows {@code sql} selects, with {@code trainee} as its one parameter when not null} */
    static <R> List<R> query(Connection connection, String sql, @Nullable String trainee, Reader<R> reader)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (trainee != null) {
                select.setString(1, trainee);
            }
            List<R> rows = new ArrayList<>();
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(reader.read(result));
                }
            }
            return rows;
        }
    }
}
