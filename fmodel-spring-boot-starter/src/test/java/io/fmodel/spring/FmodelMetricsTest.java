package io.fmodel.spring;

import static io.fmodel.spring.Counter.await;
import static io.fmodel.spring.Counter.notClosedBySpring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.Decider;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.test.PostgresStoreExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    void a_lost_race_is_counted_as_a_conflict_and_a_retry() {
        runner().run(context -> {
            FmodelMetrics metrics = context.getBean(FmodelMetrics.class);
            PostgresEventStore store = context.getBean(PostgresEventStore.class);
            var plain = Counter.aggregate(store);
            AtomicBoolean first = new AtomicBoolean(true);
            // the first decision lets another command of the same stream commit before it appends: a real conflict
            Decider<Counter.Add, Integer, Counter.CounterEvent> racing = Decider.of(
                    0,
                    (command, total) -> {
                        if (first.getAndSet(false)) {
                            plain.handle(new Counter.Add(command.counterId(), 10));
                        }
                        return Counter.DECIDER.decide(command, total);
                    },
                    Counter.DECIDER::evolve);
            var counters = metrics.commands(
                    "counter",
                    EventSourcingAggregate.of(racing, store.repository(Counter.TYPES, Counter.Add::counterId)));
            counters.handle(new Counter.Add("c-1", 1));
            assertThat(registry.get("fmodel.command.conflicts")
                            .tag("decider", "counter")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("fmodel.command.retries")
                            .tag("decider", "counter")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("fmodel.command.store.unavailable")
                            .tag("decider", "counter")
                            .counter()
                            .count())
                    .isZero();
            assertThat(registry.get("fmodel.command.handling")
                            .tags("decider", "counter", "outcome", "accepted")
                            .timer()
                            .count())
                    .isEqualTo(1);
        });
    }

    @Test
    void deliveries_are_timed_by_outcome_retries_counted_and_the_lag_measured_in_time() {
        AtomicBoolean failing = new AtomicBoolean(true);
        View<Integer, Counter.CounterEvent> flaky = View.of(0, (Integer total, Counter.CounterEvent event) -> {
            if (failing.getAndSet(false)) {
                throw new IllegalStateException("fails once");
            }
            return Counter.TOTALS.evolve(total, event);
        });
        ManagedProcessor flakyTotals = ManagedProcessor.of(
                "flaky-totals",
                (store, options) -> store.startView(
                        "flaky-totals",
                        Counter.TYPES,
                        flaky,
                        store.jsonbViewStore("flaky_totals", Counter.CounterEvent::counterId, Integer.class),
                        options.withRetries(RetryPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(10)))));
        runner().withBean("flaky", ManagedProcessor.class, () -> flakyTotals).run(context -> {
            Counter.aggregate(context.getBean(PostgresEventStore.class)).handle(new Counter.Add("c-1", 1));
            assertThat(await(() -> registry.find("fmodel.view.processing")
                                    .tags("view", "flaky-totals", "outcome", "success")
                                    .timer()
                            != null))
                    .isTrue();
            assertThat(registry.get("fmodel.view.processing")
                            .tags("view", "flaky-totals", "outcome", "failure")
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("fmodel.view.retries")
                            .tag("view", "flaky-totals")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(await(() -> registry.get("fmodel.view.lag.time")
                                    .tag("view", "flaky-totals")
                                    .timeGauge()
                                    .value(TimeUnit.SECONDS)
                            == 0))
                    .isTrue();
        });
    }

    @Test
    void push_answers_are_counted_by_status_class() {
        ProcessorListener store = new CompositeListener(List.of(new FmodelMetrics(registry)));
        Partition partition = new Partition("counter", "c-1");
        store.responded("push", partition, 200);
        store.responded("push", partition, 204);
        store.responded("push", partition, 503);
        assertThat(registry.get("fmodel.push.responses")
                        .tags("view", "push", "status", "2xx")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("fmodel.push.responses")
                        .tags("view", "push", "status", "5xx")
                        .counter()
                        .count())
                .isEqualTo(1);
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
