package io.fmodel.postgres.internal;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a statement that runs longer than its bound ({@link Statement#cancel()}: the driver sends a cancel request
 * on a connection of its own), with millisecond precision where {@link Statement#setQueryTimeout} has seconds. One
 * daemon thread for the whole JVM; a statement that ends in time only costs scheduling and unscheduling a task.
 *
 * {@snippet :
 * try (StatementTimer.Armed armed = StatementTimer.arm(statement, timeout)) {
 *     statement.executeQuery();
 *     if (armed.fired()) { ... } // the statement was cancelled once the bound had passed
 * }
 * }
 */
final class StatementTimer {

    private static final Logger log = LoggerFactory.getLogger(StatementTimer.class);

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "fmodel-statement-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private StatementTimer() {}

    /** {@return a timer cancelling {@code statement} after {@code timeout}; none when the timeout is zero} */
    static Armed arm(Statement statement, Duration timeout) {
        Armed armed = new Armed(statement);
        if (!timeout.isZero()) {
            armed.task = TIMER.schedule(armed::fire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        return armed;
    }

    /** One statement's timer: closing it unschedules the cancellation. */
    static final class Armed implements AutoCloseable {
        private final Statement statement;
        private @Nullable ScheduledFuture<?> task;
        private volatile boolean fired;

        private Armed(Statement statement) {
            this.statement = statement;
        }

        private void fire() {
            fired = true;
            try {
                statement.cancel();
            } catch (SQLException | RuntimeException e) {
                log.warn("could not cancel a statement past its timeout: {}", e.toString());
            }
        }

        /** {@return whether the bound passed and the statement was cancelled} */
        boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            ScheduledFuture<?> scheduled = task;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }
}
