package io.fmodel.spring;

import static io.fmodel.spring.Counter.await;
import static io.fmodel.spring.Counter.notClosedBySpring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.Decider;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.test.PostgresStoreExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class FmodelMetricsTest {

    @RegisterExtension
    final PostgresStoreExtension db = PostgresStoreExtension.of();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(FmodelAutoConfiguration.class, FmodelMetricsAutoConfiguration.class))
                .withBean(DataSource.class, () -> notClosedBySpring(db.dataSource()))
                .withBean(MeterRegistry.class, () -> registry)
                .withBean("totals", ManagedProcessor.class, Counter::totals);
    }

    @Test
    void processed_events_batches_and_lag_are_measured_per_view() {
        runner().run(context -> {
            var counters = Counter.aggregate(context.getBean(PostgresEventStore.class));
            for (int i = 0; i < 5; i++) counters.handle(new Counter.Add("c-1", 1));
            assertThat(await(() -> registry.find("fmodel.view.events")
                                            .tag("view", "counter-totals")
                                            .counter()
                                    != null
                            && registry.get("fmodel.view.events").counter().count() == 5))
                    .isTrue();
            assertThat(registry.get("fmodel.view.batch.size")
                            .tag("view", "counter-totals")
                            .summary()
                            .totalAmount())
                    .isEqualTo(5);
            assertThat(await(() -> registry.get("fmodel.view.lag")
                                    .tag("view", "counter-totals")
                                    .gauge()
                                    .value()
                            == 0))
                    .isTrue();
            assertThat(registry.get("fmodel.view.parked.partitions").gauge().value())
                    .isZero();
        });
    }

    @Test
    void commands_are_timed_by_decider_and_outcome() {
        runner().run(context -> {
            FmodelMetrics metrics = context.getBean(FmodelMetrics.class);
            var counters = metrics.commands("counter", Counter.aggregate(context.getBean(PostgresEventStore.class)));
            counters.handle(new Counter.Add("c-1", 1));
            counters.handle(new Counter.Add("c-1", 2));
            Decider<Counter.Add, Integer, Counter.CounterEvent> refusing = Decider.of(
                    0,
                    (command, total) -> {
                        throw new IllegalArgumentException("no");
                    },
                    (total, event) -> total);
            var refused = metrics.commands(
                    "counter",
                    EventSourcingAggregate.of(
                            refusing,
                            context.getBean(PostgresEventStore.class)
                                    .repository(Counter.TYPES, Counter.Add::counterId)));
            assertThatThrownBy(() -> refused.handle(new Counter.Add("c-1", 1))).hasMessage("no");
            assertThat(registry.get("fmodel.command.handling")
                            .tags("decider", "counter", "outcome", "accepted")
                            .timer()
                            .count())
                    .isEqualTo(2);
            assertThat(registry.get("fmodel.command.handling")
                            .tags("decider", "counter", "outcome", "rejected")
                            .timer()
                            .count())
                    .isEqualTo(1);
        });
    }

    @Test
    void metrics_are_off_without_a_registry_or_when_turned_off() {
        runner().withPropertyValues("fmodel.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(FmodelMetrics.class));
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(FmodelAutoConfiguration.class, FmodelMetricsAutoConfiguration.class))
                .withBean(DataSource.class, () -> notClosedBySpring(db.dataSource()))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FmodelMetrics.class));
    }
}
