package io.fmodel.spring;

import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetryPolicy;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.UUID;

/**
 * Observations (Micrometer's Observation API, so OpenTelemetry or Brave through Micrometer Tracing's bridge) of the
 * event store: {@link #commands} puts one observation, {@code fmodel.command}, around each {@code handle}, retries
 * included, tagged with the decider (low cardinality) and the command id (high cardinality), so a trace shows the
 * command and the SQL the application's JDBC instrumentation sees inside it.
 * <p>Not yet: an observation around each processed batch, and the trace context carried from the command to the
 * processing of its events. Both need what the library does not have yet: a hook of the consumer engine around each
 * batch, and event metadata in which the command's trace context is stored with its events (docs/spring-boot.md).
 */
public final class FmodelObservations {
    private final ObservationRegistry registry;

    FmodelObservations(ObservationRegistry registry) {
        this.registry = registry;
    }

    /** {@return {@code aggregate} with every {@code handle} observed as {@code fmodel.command}} */
    public <C, S, E> EventSourcingAggregate<C, S, E> commands(
            String decider, EventSourcingAggregate<C, S, E> aggregate) {
        return new Observed<>(decider, aggregate);
    }

    private final class Observed<C, S, E> implements EventSourcingAggregate<C, S, E> {
        private final String decider;
        private final EventSourcingAggregate<C, S, E> aggregate;

        Observed(String decider, EventSourcingAggregate<C, S, E> aggregate) {
            this.decider = decider;
            this.aggregate = aggregate;
        }

        @Override
        public List<E> handle(C command, UUID commandId) {
            return Observation.createNotStarted("fmodel.command", registry)
                    .contextualName(decider + " " + command.getClass().getSimpleName())
                    .lowCardinalityKeyValue("decider", decider)
                    .lowCardinalityKeyValue("command", command.getClass().getSimpleName())
                    .highCardinalityKeyValue("command.id", commandId.toString())
                    .observe(() -> aggregate.handle(command, commandId));
        }

        @Override
        public EventSourcingAggregate<C, S, E> withRetry(RetryPolicy policy) {
            return new Observed<>(decider, aggregate.withRetry(policy));
        }

        @Override
        public EventSourcingAggregate<C, S, E> withRecovery(RetryPolicy recovery) {
            return new Observed<>(decider, aggregate.withRecovery(recovery));
        }
    }
}
