package io.fmodel.core.application;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * When an {@link EventSourcingAggregate} with snapshots saves one, and what it does when saving fails.
 *
 * <p>A new snapshot is saved once at least {@code every} events were folded or appended since the snapshot the
 * command started from (since the stream's start when there was none). The save comes after the append committed, so
 * a failing save cannot fail the command: the exception goes to {@code onSaveFailure} and the command returns its
 * events. By default a failure is logged at {@code WARNING} through {@link System.Logger} (the JDK's platform
 * logging, which SLF4J and Log4j can take over), so that a snapshot store that keeps failing does not go unseen while
 * every command silently folds the whole history again. A listener that throws makes the command throw although its
 * events are appended: a retry with the same command id then returns them without deciding again.
 *
 * {@snippet :
 * SnapshotPolicy policy = SnapshotPolicy.every(100).onSaveFailure(failure -> metrics.increment("snapshot.failed"));
 * }
 *
 * @param every how many events, at least one, since the last snapshot make the aggregate save a new one
 * @param onSaveFailure what receives the exception of a failed save
 */
public record SnapshotPolicy(int every, Consumer<? super RuntimeException> onSaveFailure) {

    private static final System.Logger LOG = System.getLogger(SnapshotPolicy.class.getName());

    /** Checks that {@code every} is at least one and that the listener is not null. */
    public SnapshotPolicy {
        if (every < 1) {
            throw new IllegalArgumentException(
                    "every must be at least 1 (a snapshot every N events since the last one), was " + every);
        }
        Objects.requireNonNull(onSaveFailure, "onSaveFailure");
    }

    /** {@return a policy saving a snapshot every {@code every} events, logging failed saves at WARNING} */
    public static SnapshotPolicy every(int every) {
        return new SnapshotPolicy(every, SnapshotPolicy::log);
    }

    /** {@return this policy handing the exception of a failed save to {@code onSaveFailure} instead} */
    public SnapshotPolicy onSaveFailure(Consumer<? super RuntimeException> onSaveFailure) {
        return new SnapshotPolicy(every, onSaveFailure);
    }

    private static void log(RuntimeException failure) {
        LOG.log(
                System.Logger.Level.WARNING,
                "saving a snapshot failed; the command succeeded, the next one folds from the previous snapshot",
                failure);
    }
}
