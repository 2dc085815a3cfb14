package io.fmodel.examples;

import io.fmodel.examples.training.TrainingEvent;
import io.fmodel.examples.training.TrainingHistory;
import io.fmodel.examples.training.TrainingHistory.Row;
import io.fmodel.postgres.TransactionalViewStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The seed's relational view "training history": one row per completed training in {@code training_history}, keyed
 * by trainee, kept by {@link TrainingHistory#view()} exactly once per event (see {@link AvailableTrainingsTable}).
 */
final class TrainingHistoryTable implements TransactionalViewStore<TrainingHistory, TrainingEvent> {

    static final String TABLE = "training_history";

    @Override
    public void install(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE IF NOT EXISTS " + TABLE + " (trainee_id TEXT NOT NULL, position INT NOT NULL,"
                            + " training_id UUID NOT NULL, course_id TEXT NOT NULL, PRIMARY KEY (trainee_id, position))");
        }
    }

    @Override
    public Optional<TrainingHistory> fetch(Connection transaction, TrainingEvent event) throws SQLException {
        Optional<String> trainee = TrainingEvent.traineeOf(event);
        if (trainee.isEmpty()) {
            return Optional.empty();
        }
        TraineeRows.lock(transaction, TABLE, trainee.get());
        return Optional.of(new TrainingHistory(rowsOf(transaction, trainee.get())));
    }

    @Override
    public void save(Connection transaction, TrainingEvent event, TrainingHistory state) throws SQLException {
        Optional<String> trainee = TrainingEvent.traineeOf(event);
        if (trainee.isEmpty()) {
            return;
        }
        List<Row> rows = state.of(trainee.get());
        if (rows.equals(rowsOf(transaction, trainee.get()))) {
            return; // most events (registrations, cancellations) leave a history unchanged
        }
        TraineeRows.replace(
                transaction,
                TABLE,
                trainee.get(),
                "INSERT INTO " + TABLE + " (trainee_id, position, training_id, course_id) VALUES (?, ?, ?, ?)",
                rows,
                (insert, row, position) -> {
                    insert.setString(1, row.traineeId());
                    insert.setInt(2, position);
                    insert.setObject(3, row.trainingId());
                    insert.setString(4, row.courseId());
                });
    }

    @Override
    public void clear(Connection transaction) throws SQLException {
        TraineeRows.clear(transaction, TABLE);
    }

    /** {@return every row of the table, by trainee then position} */
    static List<Row> all(Connection connection) throws SQLException {
        return query(
                connection,
                "SELECT training_id, trainee_id, course_id FROM " + TABLE + " ORDER BY trainee_id, position",
                null);
    }

    /** {@return the completed trainings of one trainee, in the view's order} */
    static List<Row> rowsOf(Connection connection, String trainee) throws SQLException {
        return query(
                connection,
                "SELECT training_id, trainee_id, course_id FROM " + TABLE + " WHERE trainee_id = ? ORDER BY position",
                trainee);
    }

    private static List<Row> query(Connection connection, String sql, @Nullable String trainee) throws SQLException {
        return TraineeRows.query(
                connection,
                sql,
                trainee,
                result -> new Row(result.getObject(1, UUID.class), result.getString(2), result.getString(3)));
    }
}
