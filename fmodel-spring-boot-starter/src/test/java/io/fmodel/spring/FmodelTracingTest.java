package io.fmodel.spring;

import static io.fmodel.spring.Counter.await;
import static io.fmodel.spring.Counter.notClosedBySpring;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.test.PostgresStoreExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The trace of a command, through OpenTelemetry's bridge (Micrometer Tracing): the command's span, its trace context
 * stored with its events, and the span of the batch that processes them, a child of the command's.
 */
class FmodelTracingTest {

    @RegisterExtension
    final PostgresStoreExtension db = PostgresStoreExtension.of();

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();

    @AfterEach
    void closeTracing() {
        provider.close();
    }

    /** {@return an observation registry whose handlers trace through OpenTelemetry, with W3C propagation} */
    private ObservationRegistry tracing() {
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        io.opentelemetry.api.trace.Tracer otel = sdk.getTracer("fmodel-test");
        OtelTracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {});
        OtelPropagator propagator = new OtelPropagator(sdk.getPropagators(), otel);
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig()
                .observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                        new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                        new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                        new DefaultTracingObservationHandler(tracer)));
        return registry;
    }

    @Test
    void the_batch_that_processes_a_commands_events_is_traced_as_a_child_of_the_command() {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(FmodelAutoConfiguration.class, FmodelMetricsAutoConfiguration.class))
                .withBean(DataSource.class, () -> notClosedBySpring(db.dataSource()))
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(ObservationRegistry.class, this::tracing)
                .withBean("totals", ManagedProcessor.class, Counter::totals)
                .run(context -> {
                    var counters = context.getBean(FmodelObservations.class)
                            .commands("counter", Counter.aggregate(context.getBean(PostgresEventStore.class)));
                    counters.handle(new Counter.Add("c-1", 3));
                    assertThat(await(() -> span("counter-totals process").isPresent()))
                            .isTrue();

                    SpanData command = span("counter Add").orElseThrow();
                    SpanData batch = span("counter-totals process").orElseThrow();
                    assertThat(command.getKind()).isEqualTo(SpanKind.PRODUCER);
                    assertThat(batch.getKind()).isEqualTo(SpanKind.CONSUMER);
                    assertThat(batch.getTraceId()).isEqualTo(command.getTraceId());
                    assertThat(batch.getParentSpanId()).isEqualTo(command.getSpanId());
                    assertThat(batch.getAttributes().asMap().toString()).contains("view=counter-totals");

                    // what carried it: the command's trace context, stored with its event
                    try (Connection c = db.dataSource().getConnection();
                            Statement s = c.createStatement();
                            ResultSet r =
                                    s.executeQuery("SELECT metadata->'trace_context'->>'traceparent' FROM events")) {
                        assertThat(r.next()).isTrue();
                        assertThat(r.getString(1))
                                .isEqualTo("00-" + command.getTraceId() + "-" + command.getSpanId() + "-01");
                    }
                });
    }

    private Optional<SpanData> span(String name) {
        List<SpanData> finished = exporter.getFinishedSpanItems();
        return finished.stream().filter(s -> s.getName().equals(name)).findFirst();
    }
}
