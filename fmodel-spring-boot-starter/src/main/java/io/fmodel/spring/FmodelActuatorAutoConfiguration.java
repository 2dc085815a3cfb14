package io.fmodel.spring;

import io.fmodel.postgres.PostgresEventStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Actuator side of the starter, each part when its classes are present: the {@code fmodel} health indicator
 * ({@code management.health.fmodel.enabled}) and the {@code fmodel} endpoint ({@link FmodelEndpoint}). A bean of the
 * application named {@code fmodelHealthIndicator}, or its own {@link FmodelEndpoint}, wins.
 */
@AutoConfiguration(after = FmodelAutoConfiguration.class)
@ConditionalOnBean(PostgresEventStore.class)
public class FmodelActuatorAutoConfiguration {

    /** Created by Spring. */
    public FmodelActuatorAutoConfiguration() {}

    /** The health indicator, with Spring Boot's health module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator("fmodel")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "fmodelHealthIndicator")
        org.springframework.boot.health.contributor.HealthIndicator fmodelHealthIndicator(
                PostgresEventStore store, ObjectProvider<ManagedProcessor> processors, FmodelProperties properties) {
            return new FmodelHealthIndicator(
                    store,
                    processors.orderedStream().toList(),
                    properties.health().downWhenParked());
        }
    }

    /** The endpoint, with Spring Boot's actuator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class Endpoint {
        @Bean
        @ConditionalOnMissingBean
        @org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint
        FmodelEndpoint fmodelEndpoint(ObjectProvider<ManagedProcessor> processors) {
            return new FmodelEndpoint(processors.orderedStream().toList());
        }
    }
}
