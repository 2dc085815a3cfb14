package io.fmodel.spring;

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
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.UUID;

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

    /** {@return {@code aggregate} with every {@code handle} timed, by decider and outcome} */
    public <C, S, E> EventSourcingAggregate<C, S, E> commands(
            String decider, EventSourcingAggregate<C, S, E> aggregate) {
        return new Timed<>(decider, aggregate);
    }

    private final class Timed<C, S, E> implements EventSourcingAggregate<C, S, E> {
        private final String decider;
        private final EventSourcingAggregate<C, S, E> aggregate;

        Timed(String decider, EventSourcingAggregate<C, S, E> aggregate) {
            this.decider = decider;
            this.aggregate = aggregate;
        }

        @Override
        public List<E> handle(C command, UUID commandId) {
            return timed(decider, aggregate, command, commandId);
        }

        @Override
        public EventSourcingAggregate<C, S, E> withRetry(RetryPolicy policy) {
            return new Timed<>(decider, aggregate.withRetry(policy));
        }

        @Override
        public EventSourcingAggregate<C, S, E> withRecovery(RetryPolicy recovery) {
            return new Timed<>(decider, aggregate.withRecovery(recovery));
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
