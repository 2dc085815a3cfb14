package io.fmodel.spring;

import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.StreamProcessor;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code fmodel} health: DOWN when the store's database does not answer within two seconds or a processor that
 * should run is not running; parked partitions are counted in the details, and make it DOWN only with
 * {@code fmodel.health.down-when-parked=true}. One connection and one query per processor ({@code parked()}).
 */
final class FmodelHealthIndicator implements HealthIndicator {
    private final PostgresEventStore store;
    private final List<ManagedProcessor> processors;
    private final boolean downWhenParked;

    FmodelHealthIndicator(PostgresEventStore store, List<ManagedProcessor> processors, boolean downWhenParked) {
        this.store = store;
        this.processors = List.copyOf(processors);
        this.downWhenParked = downWhenParked;
    }

    @Override
    public Health health() {
        try (Connection connection = store.dataSource().getConnection()) {
            if (!connection.isValid(2)) {
                return Health.down().withDetail("store", "no answer within 2 s").build();
            }
        } catch (Exception e) {
            return Health.down(e).withDetail("store", "unreachable").build();
        }
        boolean up = true;
        Map<String, Object> views = new LinkedHashMap<>();
        for (ManagedProcessor managed : processors) {
            Map<String, Object> detail = new LinkedHashMap<>();
            Optional<StreamProcessor> processor = managed.processor();
            detail.put("running", processor.isPresent());
            if (processor.isEmpty() && managed.isAutoStartup()) up = false;
            if (processor.isPresent()) {
                try {
                    int parked = processor.get().parked().size();
                    detail.put("parked", parked);
                    if (parked > 0 && downWhenParked) up = false;
                } catch (RuntimeException e) {
                    detail.put("error", e.getMessage());
                    up = false;
                }
            }
            views.put(managed.view(), detail);
        }
        return (up ? Health.up() : Health.down())
                .withDetail("store", "reachable")
                .withDetail("views", views)
                .build();
    }
}
