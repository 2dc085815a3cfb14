package io.fmodel.spring;

import io.fmodel.core.application.RetryPolicy;
import io.fmodel.postgres.StreamingOptions;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code fmodel.*} properties of the starter. Immutable; bound once when the context starts.
 * {@snippet lang = "properties" :
 * fmodel.schema.install=false                      # the schema is managed by Flyway or Liquibase
 * fmodel.processors.defaults.workers=4
 * fmodel.processors.views.training-summaries.lease-timeout=30s
 * }
 *
 * @param enabled whether the starter configures anything at all; default true
 * @param schema how the schema of {@code sql/} is installed
 * @param processors how the {@link ManagedProcessor} beans run
 * @param health what the health indicator reports
 * @param metrics the Micrometer meters
 */
@ConfigurationProperties("fmodel")
public record FmodelProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue Schema schema,
        @DefaultValue Processors processors,
        @DefaultValue Health health,
        @DefaultValue Metrics metrics) {

    /**
     * The schema of {@code sql/}.
     *
     * @param install whether the auto-configured store applies {@code sql/} when it is created (idempotent, takes
     *     no lock a writer holds); turn it off where Flyway, Liquibase or a DBA manages the schema; default true
     */
    public record Schema(@DefaultValue("true") boolean install) {}

    /**
     * The processors declared as {@link ManagedProcessor} beans.
     *
     * @param autoStartup whether they start when the context has started; default true
     * @param defaults the options of every processor; unset values keep {@link StreamingOptions#defaults()}
     * @param views the options of one view (by view name), over {@code defaults}
     */
    public record Processors(
            @DefaultValue("true") boolean autoStartup,
            @DefaultValue Streaming defaults,
            @Nullable Map<String, Streaming> views) {

        /** {@return the options of {@code view}: the library's defaults, then {@code defaults}, then its own} */
        public StreamingOptions optionsOf(String view) {
            StreamingOptions options = defaults.applyTo(StreamingOptions.defaults());
            Streaming own = views == null ? null : views.get(view);
            return own == null ? options : own.applyTo(options);
        }
    }

    /**
     * The options of a processor ({@link StreamingOptions}); an unset value keeps the one it is applied to.
     *
     * @param workers consumer threads, each with its own connection (library default 2)
     * @param partitionsPerFetch partitions leased per fetch (library default 10)
     * @param eventsPerPartition consecutive events of one partition per fetch, one transaction (library default 100)
     * @param pollInterval how long an idle worker sleeps when no wake-up comes earlier (library default 1s)
     * @param leaseTimeout how long a fetched partition stays held once its worker stops extending the lease
     *     (library default 10s)
     * @param maxAttempts deliveries of one event before its partition is parked (library default 10)
     */
    public record Streaming(
            @Nullable Integer workers,
            @Nullable Integer partitionsPerFetch,
            @Nullable Integer eventsPerPartition,
            @Nullable Duration pollInterval,
            @Nullable Duration leaseTimeout,
            @Nullable Integer maxAttempts) {

        StreamingOptions applyTo(StreamingOptions options) {
            StreamingOptions result = options;
            if (workers != null) result = result.withWorkers(workers);
            if (partitionsPerFetch != null || eventsPerPartition != null) {
                result = result.withBatches(
                        partitionsPerFetch != null ? partitionsPerFetch : result.partitionsPerFetch(),
                        eventsPerPartition != null ? eventsPerPartition : result.eventsPerPartition());
            }
            if (pollInterval != null) result = result.withPollInterval(pollInterval);
            if (leaseTimeout != null) result = result.withLeaseTimeout(leaseTimeout);
            if (maxAttempts != null) {
                RetryPolicy retries = result.retries();
                result = result.withRetries(RetryPolicy.of(maxAttempts, retries.baseDelay(), retries.maxDelay()));
            }
            return result;
        }
    }

    /**
     * The {@code fmodel} health indicator.
     *
     * @param downWhenParked whether a parked partition makes the health DOWN (by default it is reported in the
     *     details, and the health stays UP: the other partitions keep flowing); default false
     */
    public record Health(@DefaultValue("false") boolean downWhenParked) {}

    /**
     * The Micrometer meters (docs/spring-boot.md#metrics).
     *
     * @param enabled whether they are registered when a {@code MeterRegistry} bean is there; default true
     */
    public record Metrics(@DefaultValue("true") boolean enabled) {}
}
