package io.fmodel.examples;

import io.fmodel.examples.training.AvailableTrainings;
import io.fmodel.examples.training.AvailableTrainings.Row;
import io.fmodel.examples.training.TrainingEvent;
import io.fmodel.postgres.TransactionalViewStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The seed's relational view "trainings a trainee can take": one row per training in {@code available_trainings},
 * keyed by trainee. A {@code ViewProcessor} reads a trainee's rows, evolves them with
 * {@link AvailableTrainings#view()} and writes them back in the transaction that acknowledges the event, so the table
 * is updated exactly once per event. Events without a trainee (videos, rejections) touch nothing. A trainee has
 * several trainings (partitions, processed concurrently): {@link #fetch} locks the trainee for the transaction, so
 * the updates of one trainee are serialized and none is lost.
 */
final class AvailableTrainingsTable implements TransactionalViewStore<AvailableTrainings, TrainingEvent> {

    static final String TABLE = "available_trainings";

    @Override
    public void install(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE IF NOT EXISTS " + TABLE + " (trainee_id TEXT NOT NULL, position INT NOT NULL,"
                            + " training_id UUID NOT NULL, course_id TEXT NOT NULL, due_date DATE NOT NULL,"
                            + " PRIMARY KEY (trainee_id, position))");
        }
    }

    @Override
    public Optional<AvailableTrainings> fetch(Connection transaction, TrainingEvent event) throws SQLException {
        Optional<String> trainee = TrainingEvent.traineeOf(event);
        if (trainee.isEmpty()) {
            return Optional.empty();
        }
        TraineeRows.lock(transaction, TABLE, trainee.get());
        return Optional.of(new AvailableTrainings(rowsOf(transaction, trainee.get())));
    }

    @Override
    public void save(Connection transaction, TrainingEvent event, AvailableTrainings state) throws SQLException {
        Optional<String> trainee = TrainingEvent.traineeOf(event);
        if (trainee.isEmpty()) {
            return;
        }
        TraineeRows.replace(
                transaction,
                TABLE,
                trainee.get(),
                "INSERT INTO " + TABLE
                        + " (trainee_id, position, training_id, course_id, due_date) VALUES (?, ?, ?, ?, ?)",
                state.of(trainee.get()),
                (insert, row, position) -> {
                    insert.setString(1, row.traineeId());
                    insert.setInt(2, position);
                    insert.setObject(3, row.trainingId());
                    insert.setString(4, row.courseId());
                    insert.setObject(5, row.dueDate());
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
                "SELECT training_id, trainee_id, course_id, due_date FROM " + TABLE + " ORDER BY trainee_id, position",
                null);
    }

    /** {@return the rows of one trainee, in the view's order} */
    static List<Row> rowsOf(Connection connection, String trainee) throws SQLException {
        return query(
                connection,
                "SELECT training_id, trainee_id, course_id, due_date FROM " + TABLE
                        + " WHERE trainee_id = ? ORDER BY position",
                trainee);
    }

    private static List<Row> query(Connection connection, String sql, @Nullable String trainee) throws SQLException {
        return TraineeRows.query(
                connection,
                sql,
                trainee,
                result -> new Row(
                        result.getObject(1, UUID.class),
                        result.getString(2),
                        result.getString(3),
                        result.getObject(4, LocalDate.class)));
    }
}
