package io.fmodel.spring;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics when a {@link MeterRegistry} bean is there (Spring Boot's metrics auto-configuration, or the
 * application's): an {@link FmodelMetrics} bean, which the auto-configured store reports to, and the gauges of the
 * {@link ManagedProcessor} beans. {@code fmodel.metrics.enabled=false} turns them off.
 */
@AutoConfiguration(
        before = FmodelAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
        })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "fmodel.metrics.enabled", matchIfMissing = true)
public class FmodelMetricsAutoConfiguration {

    /** Created by Spring. */
    public FmodelMetricsAutoConfiguration() {}

    /** {@return the meters of the store, a listener of its processors} */
    @Bean
    @ConditionalOnMissingBean
    public FmodelMetrics fmodelMetrics(MeterRegistry registry) {
        return new FmodelMetrics(registry);
    }

    /** Observations, when an {@code ObservationRegistry} bean is there (Spring Boot's, with Actuator). */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
    static class Observations {
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(io.micrometer.observation.ObservationRegistry.class)
        FmodelObservations fmodelObservations(io.micrometer.observation.ObservationRegistry registry) {
            return new FmodelObservations(registry);
        }
    }

    /** {@return what registers the gauges of the processor beans once every singleton exists} */
    @Bean
    public SmartInitializingSingleton fmodelProcessorGauges(
            FmodelMetrics metrics, ObjectProvider<ManagedProcessor> processors) {
        return () -> metrics.bindTo(processors.orderedStream().toList());
    }
}
