package io.fmodel.spring;

import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.ProcessorListener;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Configures the {@link PostgresEventStore} of the application's one {@link DataSource} (after Spring Boot's JDBC
 * auto-configuration), unless the application declares its own store; installs the schema of {@code sql/} unless
 * {@code fmodel.schema.install=false}. The store reports to every {@link ProcessorListener} bean (the metrics'
 * included), in their order. {@code fmodel.enabled=false} turns the whole starter off.
 * <p>A store of the application's own is used as it is: the starter neither installs its schema nor adds listeners
 * to it. Processors are declared as {@link ManagedProcessor} beans.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(PostgresEventStore.class)
@ConditionalOnBooleanProperty(name = "fmodel.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FmodelProperties.class)
public class FmodelAutoConfiguration {

    /** Created by Spring. */
    public FmodelAutoConfiguration() {}

    /**
     * {@return the store of {@code dataSource}, reporting to the listener beans, with its schema installed unless
     * turned off}
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(DataSource.class)
    public PostgresEventStore fmodelEventStore(
            DataSource dataSource, FmodelProperties properties, ObjectProvider<ProcessorListener> listeners) {
        List<ProcessorListener> all = listeners.orderedStream().toList();
        PostgresEventStore store = PostgresEventStore.of(dataSource);
        if (!all.isEmpty()) store = store.withListener(all.size() == 1 ? all.getFirst() : new CompositeListener(all));
        return properties.schema().install() ? store.installSchema() : store;
    }

    static FmodelProperties defaults() {
        return new FmodelProperties(
                true,
                new FmodelProperties.Schema(true),
                new FmodelProperties.Processors(
                        true, new FmodelProperties.Streaming(null, null, null, null, null, null), Map.of()),
                new FmodelProperties.Health(false),
                new FmodelProperties.Metrics(true));
    }
}
