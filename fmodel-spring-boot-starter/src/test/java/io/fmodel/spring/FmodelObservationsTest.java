package io.fmodel.spring;

import static io.fmodel.spring.Counter.notClosedBySpring;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.test.PostgresStoreExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class FmodelObservationsTest {

    @RegisterExtension
    final PostgresStoreExtension db = PostgresStoreExtension.of();

    @Test
    void each_handle_is_one_observation_tagged_with_its_decider_and_command() {
        List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(FmodelAutoConfiguration.class, FmodelMetricsAutoConfiguration.class))
                .withBean(DataSource.class, () -> notClosedBySpring(db.dataSource()))
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(ObservationRegistry.class, () -> observations)
                .run(context -> {
                    var counters = context.getBean(FmodelObservations.class)
                            .commands("counter", Counter.aggregate(context.getBean(PostgresEventStore.class)));
                    counters.handle(new Counter.Add("c-1", 1));
                    assertThat(stopped).hasSize(1);
                    Observation.Context observed = stopped.getFirst();
                    assertThat(observed.getName()).isEqualTo("fmodel.command");
                    assertThat(observed.getLowCardinalityKeyValue("decider").getValue())
                            .isEqualTo("counter");
                    assertThat(observed.getLowCardinalityKeyValue("command").getValue())
                            .isEqualTo("Add");
                });
    }
}
