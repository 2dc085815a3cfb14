package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EmbeddedStoreIT {

    @Test
    void an_embedded_store_starts_with_the_schema_installed_and_serves_a_repository() {
        try (EmbeddedStore store = EmbeddedStore.start()) {
            var repository = PostgresEventRepository.of(store.dataSource(), Counter.types(), Increment::counterId);
            var command = new Increment("embedded", 2);

            repository.append(command, UUID.randomUUID(), List.<CounterEvent>of(new Incremented("embedded", 2)), null);

            assertThat(repository.fetch(command))
                    .extracting(e -> e.event())
                    .containsExactly(new Incremented("embedded", 2));
            assertThat(SchemaInstaller.install(store.dataSource())).isEmpty();
            assertThat(store.jdbcUrl()).startsWith("jdbc:postgresql://");
        }
    }
}
