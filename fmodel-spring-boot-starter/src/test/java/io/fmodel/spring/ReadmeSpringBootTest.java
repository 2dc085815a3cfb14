package io.fmodel.spring;

import static io.fmodel.spring.Counter.DECIDER;
import static io.fmodel.spring.Counter.TOTALS;
import static io.fmodel.spring.Counter.TYPES;
import static io.fmodel.spring.Counter.await;
import static io.fmodel.spring.Counter.notClosedBySpring;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.test.PostgresStoreExtension;
import io.fmodel.spring.Counter.Add;
import io.fmodel.spring.Counter.CounterEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The README's "With Spring Boot" block (also in docs/spring-boot.md), run as an application's configuration. */
class ReadmeSpringBootTest {

    @RegisterExtension
    final PostgresStoreExtension db = PostgresStoreExtension.of();

    @Configuration(proxyBeanMethods = false)
    static class CounterApplication {
        // spotless:off
        // README: spring-boot
        @Bean
        ManagedProcessor counterTotals() {       // started after the context, closed gracefully before the DataSource
            return ManagedProcessor.of("counter-totals", (store, options) -> store.startView("counter-totals", TYPES,
                    TOTALS, store.jsonbViewStore("counter_totals", CounterEvent::counterId, Integer.class), options));
        }

        @Bean
        EventSourcingAggregate<Add, Integer, CounterEvent> counters(PostgresEventStore store, FmodelMetrics metrics) {
            return metrics.commands("counter", EventSourcingAggregate.of(DECIDER, store.repository(TYPES, Add::counterId)));
        }
        // README: end
        // spotless:on
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_readme_application_handles_commands_and_keeps_its_view() {
        var registry = new SimpleMeterRegistry();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        FmodelAutoConfiguration.class,
                        FmodelMetricsAutoConfiguration.class,
                        FmodelActuatorAutoConfiguration.class))
                .withBean(DataSource.class, () -> notClosedBySpring(db.dataSource()))
                .withBean(MeterRegistry.class, () -> registry)
                .withUserConfiguration(CounterApplication.class)
                .run(context -> {
                    EventSourcingAggregate<Add, Integer, CounterEvent> counters =
                            context.getBean(EventSourcingAggregate.class);
                    counters.handle(new Add("c-1", 5));
                    var totals = context.getBean(PostgresEventStore.class).viewStates("counter_totals", Integer.class);
                    assertThat(await(() -> totals.find("c-1").equals(Optional.of(5))))
                            .isTrue();
                    assertThat(registry.get("fmodel.command.handling").timer().count())
                            .isEqualTo(1);
                });
    }
}
