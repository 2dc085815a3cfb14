package io.fmodel.spring;

import io.fmodel.core.application.CommandListener;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.postgres.Metadata;
import io.fmodel.postgres.ProcessorListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Observations (Micrometer's Observation API, so OpenTelemetry or Brave through Micrometer Tracing's bridge) of the
 * event store, with the trace context carried from a command to the processing of its events:
 * <ul>
 *   <li>{@link #commands} puts one observation, {@code fmodel.command}, around each {@code handle}, retries included:
 *       a producer observation, tagged with the decider and the command's type (low cardinality) and its id (high
 *       cardinality). The trace context the tracing handlers inject into it (W3C {@code traceparent}, ...) is bound
 *       as {@link Metadata#traceContext} while the command runs, so a {@code PostgresEventRepository} writes it with
 *       the events.
 *   <li>As a {@link ProcessorListener} of the store, it puts one observation, {@code fmodel.batch}, around the
 *       delivery of each batch: a consumer observation tagged with the view, whose parent is extracted from the trace
 *       context of the batch's first event. So a trace goes from the request to the command, and on to the
 *       processing of its events by each view, saga and push processor. It makes the processors read each event's
 *       metadata ({@link #readsTraceContext}).
 * </ul>
 * Without tracing handlers (no Micrometer Tracing), the observations still reach the other handlers (timers), and
 * no trace context is written.
 */
public final class FmodelObservations implements ProcessorListener {
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
            SenderContext<Map<String, String>> context = new SenderContext<>(Map::put, Kind.PRODUCER);
            Map<String, String> carrier = new LinkedHashMap<>();
            context.setCarrier(carrier);
            return Observation.createNotStarted("fmodel.command", () -> context, registry)
                    .contextualName(decider + " " + command.getClass().getSimpleName())
                    .lowCardinalityKeyValue("decider", decider)
                    .lowCardinalityKeyValue("command", command.getClass().getSimpleName())
                    .highCardinalityKeyValue("command.id", commandId.toString())
                    .observe(() -> {
                        // the tracing handler injected the observation's context into the carrier when it started
                        Metadata metadata = Metadata.current();
                        for (Map.Entry<String, String> header : carrier.entrySet()) {
                            metadata = metadata.withTraceContext(header.getKey(), header.getValue());
                        }
                        return Metadata.callWith(metadata, () -> aggregate.handle(command, commandId));
                    });
        }

        @Override
        public EventSourcingAggregate<C, S, E> withRetry(RetryPolicy policy) {
            return new Observed<>(decider, aggregate.withRetry(policy));
        }

        @Override
        public EventSourcingAggregate<C, S, E> withRecovery(RetryPolicy recovery) {
            return new Observed<>(decider, aggregate.withRecovery(recovery));
        }

        @Override
        public EventSourcingAggregate<C, S, E> withListener(CommandListener listener) {
            return new Observed<>(decider, aggregate.withListener(listener));
        }
    }

    /** Opens {@code fmodel.batch} in the worker's thread, as a child of the trace its first event was written in. */
    @Override
    public Delivery delivering(Batch batch) {
        ReceiverContext<Map<String, String>> context = new ReceiverContext<>(Map::get, Kind.CONSUMER);
        context.setCarrier(batch.traceContext());
        Observation observation = Observation.createNotStarted("fmodel.batch", () -> context, registry)
                .contextualName(batch.view() + " process")
                .lowCardinalityKeyValue("view", batch.view())
                .highCardinalityKeyValue("partition", batch.partition().toString())
                .highCardinalityKeyValue("attempt", Integer.toString(batch.attempt()))
                .highCardinalityKeyValue("events", Integer.toString(batch.events()))
                .start();
        Observation.Scope scope = observation.openScope();
        return (acknowledged, failure) -> {
            scope.close();
            if (failure != null) {
                observation.error(failure);
            }
            observation.highCardinalityKeyValue("acknowledged", Integer.toString(acknowledged));
            observation.stop();
        };
    }

    /** {@return true: {@link #delivering} reads the trace context of each batch} */
    @Override
    public boolean readsTraceContext() {
        return true;
    }
}
