package io.fmodel.postgres.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the processors of one {@link DataSource} when the log moves. One daemon thread per data source reads
 * {@code last_offsets()} (the highest offset drawn, committed or not, and the highest visible one: two index probes,
 * nothing written, no lock) and runs every registered wake-up when either changed. While an offset is drawn but not
 * visible (its transaction has not committed yet) it wakes them on every tick for a second more, so that a commit
 * a little after the draw is seen at once.
 *
 * <p>Writers pay nothing for it: no trigger, no NOTIFY, nothing global at commit (ADR 0014). Each poll is one
 * auto-commit statement, so it works through any pool, PgBouncer in transaction mode included. The tick is the
 * smallest interval of the registrations (10 ms by default); after 10 s without a change it doubles, up to ten times
 * that, and drops back at the first change. A failed poll is logged once and retried; workers still poll on their own
 * interval meanwhile.
 */
final class WakeUpPoller {

    private static final Logger LOG = LoggerFactory.getLogger(WakeUpPoller.class);

    /** {@code SELECT drawn, visible FROM last_offsets()}: generated names are not needed for two columns. */
    private static final String POLL_SQL = "SELECT drawn, visible FROM last_offsets()";

    private static final long IDLE_AFTER_NANOS = Duration.ofSeconds(10).toNanos();
    private static final long HOT_NANOS = Duration.ofSeconds(1).toNanos();

    private static final Map<DataSource, WakeUpPoller> POLLERS = new IdentityHashMap<>(); // guarded by POLLERS

    /** A processor's registration: {@link #close} stops the poller when it was the last one. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private record Wake(Runnable wake, Duration interval) {}

    private final DataSource dataSource;
    private final List<Wake> wakes = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    private WakeUpPoller(DataSource dataSource, int number) {
        this.dataSource = dataSource;
        this.thread = Thread.ofPlatform()
                .name("fmodel-wake-up-" + number)
                .daemon(true)
                .unstarted(this::poll);
    }

    /** {@return the registration of {@code wake}, run whenever the log of {@code dataSource} moves} */
    static Registration register(DataSource dataSource, Duration interval, Runnable wake) {
        Wake registered = new Wake(wake, interval);
        WakeUpPoller poller;
        synchronized (POLLERS) {
            poller = POLLERS.get(dataSource);
            if (poller == null) {
                poller = new WakeUpPoller(dataSource, POLLERS.size() + 1);
                POLLERS.put(dataSource, poller);
                poller.wakes.add(registered);
                poller.thread.start();
            } else {
                poller.wakes.add(registered);
            }
        }
        WakeUpPoller owner = poller;
        return () -> owner.unregister(registered);
    }

    private void unregister(Wake wake) {
        synchronized (POLLERS) {
            wakes.remove(wake);
            if (wakes.isEmpty() && POLLERS.get(dataSource) == this) {
                POLLERS.remove(dataSource);
                stopped = true;
                thread.interrupt();
            }
        }
    }

    private long tickNanos() {
        long smallest = Long.MAX_VALUE;
        for (Wake wake : wakes) {
            smallest = Math.min(smallest, wake.interval().toNanos());
        }
        return smallest == Long.MAX_VALUE ? Duration.ofMillis(10).toNanos() : smallest;
    }

    private void poll() {
        @Nullable Connection connection = null;
        @Nullable PreparedStatement statement = null;
        long drawn = -1;
        long visible = -1;
        long changedAt = System.nanoTime();
        boolean failing = false;
        while (!stopped) {
            long tick = tickNanos();
            try {
                if (connection == null) {
                    connection = dataSource.getConnection();
                    connection.setAutoCommit(true);
                    statement = connection.prepareStatement(POLL_SQL);
                }
                long nowDrawn;
                long nowVisible;
                try (ResultSet r = statement.executeQuery()) {
                    r.next();
                    nowDrawn = r.getLong(1);
                    nowVisible = r.getLong(2);
                }
                long now = System.nanoTime();
                boolean changed = nowDrawn != drawn || nowVisible != visible;
                boolean pending = nowVisible < nowDrawn && now - changedAt < HOT_NANOS;
                if (changed) {
                    changedAt = now;
                }
                if (changed || pending) {
                    // also the first poll, and the first after a failure: whatever was appended meanwhile
                    wakeAll();
                }
                drawn = nowDrawn;
                visible = nowVisible;
                if (failing) {
                    LOG.info("wake-up poll works again");
                    failing = false;
                }
                long idle = now - changedAt;
                if (idle > IDLE_AFTER_NANOS) {
                    // idle: a longer tick, up to ten times the smallest
                    tick = Math.min(tick * 10, tick << Math.min(4, (int) (idle / IDLE_AFTER_NANOS)));
                }
            } catch (SQLException | RuntimeException e) {
                if (!failing) {
                    LOG.warn("wake-up poll failed, retrying (workers poll on their own meanwhile): {}", e.getMessage());
                    failing = true;
                }
                closeQuietly(connection);
                connection = null;
                statement = null;
                // everything may have moved meanwhile: the next poll wakes
                drawn = -1;
                tick = Math.max(tick, Duration.ofMillis(200).toNanos());
            }
            sleep(tick);
        }
        closeQuietly(connection);
    }

    private void wakeAll() {
        // a copy-on-write list: iterating it walks a snapshot already
        for (Wake wake : wakes) {
            try {
                wake.wake().run();
            } catch (RuntimeException e) {
                LOG.warn("a processor's wake-up failed", e);
            }
        }
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            // stopped, or spurious: the loop condition decides
        }
    }

    private static void closeQuietly(@Nullable Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("close failed", e);
            }
        }
    }
}
