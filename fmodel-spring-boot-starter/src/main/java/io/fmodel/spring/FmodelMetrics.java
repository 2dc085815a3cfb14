package io.fmodel.spring;

import io.fmodel.core.application.CommandListener;
import io.fmodel.core.application.CommandOutcomeUnknownException;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.StoreUnavailableException;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.StreamProcessor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters of the event store (names and tags: docs/spring-boot.md#metrics). As a
 * {@link ProcessorListener} it counts what every processor of the store does; {@link #bindTo} adds the gauges of
 * the {@link ManagedProcessor} beans; {@link #commands} times the commands of an aggregate. Thread-safe; the
 * listener's methods only increment meters (no I/O); each gauge does one query when it is read.
 * {@snippet :
 * var trainings = metrics.commands("training", EventSourcingAggregate.of(trainingDecider, repository));
 * }
 */
public final class FmodelMetrics implements ProcessorListener {
    private final MeterRegistry registry;

    FmodelMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * {@return {@code aggregate} with every {@code handle} timed, by decider and outcome, and its conflicts, outages
     * and retries counted} The returned aggregate's {@code withListener} adds a listener told after the meters.
     */
    public <C, S, E> EventSourcingAggregate<C, S, E> commands(
            String decider, EventSourcingAggregate<C, S, E> aggregate) {
        return new Timed<>(decider, aggregate, CommandListener.none());
    }

    private final class Timed<C, S, E> implements EventSourcingAggregate<C, S, E> {
        private final String decider;
        private final EventSourcingAggregate<C, S, E> base;
        private final CommandListener next;
        private final EventSourcingAggregate<C, S, E> counted;

        Timed(String decider, EventSourcingAggregate<C, S, E> base, CommandListener next) {
            this.decider = decider;
            this.base = base;
            this.next = next;
            this.counted = base.withListener(new Attempts(decider, next));
        }

        @Override
        public List<E> handle(C command, UUID commandId) {
            return timed(decider, counted, command, commandId);
        }

        @Override
        public EventSourcingAggregate<C, S, E> withRetry(RetryPolicy policy) {
            return new Timed<>(decider, base.withRetry(policy), next);
        }

        @Override
        public EventSourcingAggregate<C, S, E> withRecovery(RetryPolicy recovery) {
            return new Timed<>(decider, base.withRecovery(recovery), next);
        }

        @Override
        public EventSourcingAggregate<C, S, E> withListener(CommandListener listener) {
            return new Timed<>(decider, base, listener);
        }
    }

    /** Counts the attempts of one decider's commands, then tells {@code next}. */
    private final class Attempts implements CommandListener {
        private final Counter conflicts;
        private final Counter unavailable;
        private final Counter retries;
        private final CommandListener next;

        Attempts(String decider, CommandListener next) {
            this.conflicts = Counter.builder("fmodel.command.conflicts")
                    .description("Attempts that lost an optimistic-locking race (each one is retried or exhausts)")
                    .tag("decider", decider)
                    .register(registry);
            this.unavailable = Counter.builder("fmodel.command.store.unavailable")
                    .description("Attempts that found the store unavailable")
                    .tag("decider", decider)
                    .register(registry);
            this.retries = Counter.builder("fmodel.command.retries")
                    .description("Attempts after the first, after a conflict or an outage")
                    .tag("decider", decider)
                    .register(registry);
            this.next = next;
        }

        @Override
        public void conflicted(Object command, UUID commandId, int conflicts) {
            this.conflicts.increment();
            next.conflicted(command, commandId, conflicts);
        }

        @Override
        public void unavailable(Object command, UUID commandId, int failures, StoreUnavailableException failure) {
            unavailable.increment();
            next.unavailable(command, commandId, failures, failure);
        }

        @Override
        public void retrying(Object command, UUID commandId, int attempt) {
            retries.increment();
            next.retrying(command, commandId, attempt);
        }
    }

    private <C, S, E> List<E> timed(String decider, EventSourcingAggregate<C, S, E> aggregate, C command, UUID id) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "accepted";
        try {
            return aggregate.handle(command, id);
        } catch (RetriesExhaustedException e) {
            outcome = "retries.exhausted";
            throw e;
        } catch (StoreUnavailableException e) {
            outcome = "store.unavailable";
            throw e;
        } catch (CommandOutcomeUnknownException e) {
            outcome = "unknown";
            throw e;
        } catch (RuntimeException | Error e) {
            outcome = "rejected";
            throw e;
        } finally {
            sample.stop(Timer.builder("fmodel.command.handling")
                    .description("Commands handled: decide, append and their retries")
                    .tag("decider", decider)
                    .tag("outcome", outcome)
                    .register(registry));
        }
    }

    @Override
    public void processed(String view, Partition partition, int events) {
        Counter.builder("fmodel.view.events")
                .description("Events processed and acknowledged")
                .baseUnit("events")
                .tag("view", view)
                .register(registry)
                .increment(events);
        DistributionSummary.builder("fmodel.view.batch.size")
                .description("Events of one partition processed in one transaction")
                .baseUnit("events")
                .tag("view", view)
                .register(registry)
                .record(events);
    }

    /** Times the delivery of each batch, and counts the deliveries that are retries. */
    @Override
    public Delivery delivering(Batch batch) {
        if (batch.attempt() > 1) {
            Counter.builder("fmodel.view.retries")
                    .description("Deliveries of a batch after a failed attempt")
                    .tag("view", batch.view())
                    .register(registry)
                    .increment();
        }
        Timer.Sample sample = Timer.start(registry);
        return (acknowledged, failure) -> sample.stop(Timer.builder("fmodel.view.processing")
                .description("Deliveries of a batch: the processor's work and its acknowledgement")
                .tag("view", batch.view())
                .tag("outcome", failure == null ? "success" : "failure")
                .register(registry));
    }

    /** Counts a push receiver's answers by status class. */
    @Override
    public void responded(String view, Partition partition, int status) {
        Counter.builder("fmodel.push.responses")
                .description("Answers of a push processor's receiver, by HTTP status class")
                .tag("view", view)
                .tag("status", statusClass(status))
                .register(registry)
                .increment();
    }

    private static String statusClass(int status) {
        return status >= 100 && status < 600 ? (status / 100) + "xx" : "other";
    }

    @Override
    public void failed(String view, Partition partition, int attempt, Throwable error) {
        Counter.builder("fmodel.view.failures")
                .description("Failed deliveries (attempts that will be retried or park the partition)")
                .tag("view", view)
                .tag("exception", error.getClass().getSimpleName())
                .register(registry)
                .increment();
    }

    @Override
    public void parked(String view, Partition partition, int attempts, Throwable error) {
        Counter.builder("fmodel.view.parks")
                .description("Partitions parked after their attempts")
                .tag("view", view)
                .register(registry)
                .increment();
    }

    /** Registers the lag and parked-partition gauges of each processor in {@code processors}. */
    void bindTo(List<ManagedProcessor> processors) {
        for (ManagedProcessor managed : processors) {
            Gauge.builder("fmodel.view.lag", managed, m -> m.processor()
                            .map(p -> (double) p.lag())
                            .orElse(Double.NaN))
                    .description("Events of the log the view has not processed yet")
                    .baseUnit("events")
                    .tag("view", managed.view())
                    .register(registry);
            TimeGauge.builder("fmodel.view.lag.time", managed, TimeUnit.SECONDS, m -> m.processor()
                            .map(p -> p.lagTime().toNanos() / 1e9)
                            .orElse(Double.NaN))
                    .description("How long ago the oldest event the view has not processed yet was appended")
                    .tag("view", managed.view())
                    .register(registry);
            Gauge.builder("fmodel.view.parked.partitions", managed, m -> m.processor()
                            .map(StreamProcessor::parked)
                            .map(p -> (double) p.size())
                            .orElse(Double.NaN))
                    .description("Partitions of the view parked now")
                    .tag("view", managed.view())
                    .register(registry);
        }
    }
}
