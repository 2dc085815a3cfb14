package io.fmodel.spring;

import static io.fmodel.spring.Counter.await;
import static io.fmodel.spring.Counter.notClosedBySpring;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.Partition;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.test.PostgresStoreExtension;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class FmodelActuatorTest {

    @RegisterExtension
    final PostgresStoreExtension db = PostgresStoreExtension.of();

    private final AtomicBoolean failing = new AtomicBoolean(true);

    /** A view whose handler fails on stream c-bad while {@link #failing}: parked after one attempt. */
    private ManagedProcessor picky() {
        return ManagedProcessor.of(
                "picky",
                (store, options) -> store.startAtLeastOnce(
                        "picky",
                        Counter.TYPES,
                        event -> {
                            if (failing.get() && event.counterId().equals("c-bad"))
                                throw new IllegalStateException("bad");
                        },
                        options));
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(FmodelAutoConfiguration.class, FmodelActuatorAutoConfiguration.class))
                .withBean(DataSource.class, () -> notClosedBySpring(db.dataSource()))
                .withPropertyValues(
                        "management.endpoints.web.exposure.include=health,fmodel",
                        "fmodel.processors.defaults.max-attempts=1");
    }

    @Test
    void the_health_is_up_with_the_store_reachable_and_every_processor_running() {
        runner().withBean("totals", ManagedProcessor.class, Counter::totals).run(context -> {
            Health health = context.getBean("fmodelHealthIndicator", HealthIndicator.class)
                    .health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails())
                    .containsEntry("store", "reachable")
                    .containsEntry("views", Map.of("counter-totals", Map.of("running", true, "parked", 0)));
        });
    }

    @Test
    void the_health_is_down_when_a_processor_stopped() {
        runner().withBean("totals", ManagedProcessor.class, Counter::totals).run(context -> {
            context.getBean(ManagedProcessor.class).stop();
            Health health = context.getBean("fmodelHealthIndicator", HealthIndicator.class)
                    .health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void the_health_is_down_when_the_store_is_unreachable() {
        DataSource down = (DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("connection refused", "08001");
                });
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(FmodelAutoConfiguration.class, FmodelActuatorAutoConfiguration.class))
                .withBean(DataSource.class, () -> down)
                .withPropertyValues("fmodel.schema.install=false")
                .run(context -> {
                    Health health = context.getBean("fmodelHealthIndicator", HealthIndicator.class)
                            .health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsEntry("store", "unreachable");
                });
    }

    @Test
    void a_parked_partition_is_listed_by_the_endpoint_and_released_by_it() {
        runner().withBean("picky", ManagedProcessor.class, this::picky).run(context -> {
            var counters = Counter.aggregate(context.getBean(PostgresEventStore.class));
            counters.handle(new Counter.Add("c-bad", 1));
            counters.handle(new Counter.Add("c-good", 1));
            FmodelEndpoint endpoint = context.getBean(FmodelEndpoint.class);
            // c-good may still be on its way when c-bad parks: wait for both
            assertThat(await(() -> endpoint.views().views().getFirst().parked().size() == 1
                            && endpoint.view("picky").lag() == 1))
                    .isTrue();
            FmodelEndpoint.ViewState picky = endpoint.view("picky");
            assertThat(picky).isNotNull();
            assertThat(picky.running()).isTrue();
            assertThat(picky.parked().getFirst().partition()).isEqualTo(new Partition("counter", "c-bad"));
            assertThat(picky.lag()).isEqualTo(1);
            assertThat(context.getBean("fmodelHealthIndicator", HealthIndicator.class)
                            .health()
                            .getStatus())
                    .as("parked partitions do not make it down by default")
                    .isEqualTo(Status.UP);

            failing.set(false);
            endpoint.release("picky", "counter", "c-bad");
            assertThat(await(() -> endpoint.view("picky").lag() == 0)).isTrue();
            assertThat(endpoint.view("picky").parked()).isEmpty();
            assertThat(endpoint.view("unknown")).isNull();
        });
    }

    @Test
    void parked_partitions_make_it_down_when_asked() {
        runner().withBean("picky", ManagedProcessor.class, this::picky)
                .withPropertyValues("fmodel.health.down-when-parked=true")
                .run(context -> {
                    Counter.aggregate(context.getBean(PostgresEventStore.class)).handle(new Counter.Add("c-bad", 1));
                    HealthIndicator indicator = context.getBean("fmodelHealthIndicator", HealthIndicator.class);
                    assertThat(await(() -> indicator.health().getStatus().equals(Status.DOWN)))
                            .isTrue();
                });
    }

    @Test
    void beans_of_the_application_win_and_switches_turn_them_off() {
        HealthIndicator own = () -> Health.up().withDetail("own", true).build();
        runner().withBean("fmodelHealthIndicator", HealthIndicator.class, () -> own)
                .run(context ->
                        assertThat(context).getBean("fmodelHealthIndicator").isSameAs(own));
        runner().withPropertyValues(
                        "management.health.fmodel.enabled=false", "management.endpoint.fmodel.enabled=false")
                .run(context -> assertThat(context)
                        .doesNotHaveBean("fmodelHealthIndicator")
                        .doesNotHaveBean(FmodelEndpoint.class));
        runner().withPropertyValues("fmodel.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean("fmodelHealthIndicator")
                .doesNotHaveBean(FmodelEndpoint.class));
    }
}
