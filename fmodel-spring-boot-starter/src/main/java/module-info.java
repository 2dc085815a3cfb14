/**
 * Spring Boot 4 auto-configuration of the event store ({@link io.fmodel.spring.FmodelAutoConfiguration}): the
 * store from the application's {@code DataSource}, its schema, processors as {@code SmartLifecycle} beans
 * ({@link io.fmodel.spring.ManagedProcessor}), an Actuator health indicator and endpoint, Micrometer metrics.
 * Spring's jars have no descriptor: their names are those of their {@code Automatic-Module-Name}. Actuator, the
 * health contributors, JDBC auto-configuration and Micrometer are optional: each part is configured only when its
 * classes are present.
 */
module io.fmodel.spring {
    requires transitive io.fmodel.postgres;
    requires transitive spring.boot;
    requires transitive spring.boot.autoconfigure;
    requires transitive spring.context;
    requires transitive spring.beans;
    requires spring.core;
    requires org.slf4j;
    requires static org.jspecify;
    requires static spring.boot.health;
    requires static transitive spring.boot.actuator; // FmodelEndpoint is annotated with its types
    requires static spring.boot.actuator.autoconfigure;
    requires static transitive micrometer.core; // FmodelMetricsAutoConfiguration takes a MeterRegistry
    requires static micrometer.commons;
    requires static transitive micrometer.observation; // FmodelObservations takes an ObservationRegistry

    exports io.fmodel.spring;

    // Spring reads the configuration classes and the properties reflectively
    opens io.fmodel.spring to
            spring.core,
            spring.beans,
            spring.context,
            spring.boot;
}
