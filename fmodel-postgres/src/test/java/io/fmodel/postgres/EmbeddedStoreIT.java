package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class EmbeddedStoreIT {

    @Test
    void an_embedded_store_starts_with_the_schema_installed_and_serves_a_repository() {
        try (EmbeddedStore store = EmbeddedStore.start()) {
            var repository =
                    PostgresEventStore.of(store.dataSource()).repository(Counter.types(), Increment::counterId);
            var command = new Increment("embedded", 2);

            repository.append(command, UUID.randomUUID(), List.<CounterEvent>of(new Incremented("embedded", 2)), null);

            assertThat(repository.fetch(command))
                    .extracting(e -> e.event())
                    .containsExactly(new Incremented("embedded", 2));
            assertThat(SchemaInstaller.install(store.dataSource())).isEmpty();
            assertThat(store.jdbcUrl()).startsWith("jdbc:postgresql://");
        }
    }

    @Test
    void its_data_source_is_pooled_a_closed_connection_goes_back_to_the_pool_and_close_closes_the_pool()
            throws Exception {
        DataSource dataSource;
        try (EmbeddedStore store = EmbeddedStore.start()) {
            dataSource = store.dataSource();
            int first = backendPid(dataSource);
            int second = backendPid(dataSource);

            assertThat(second).as("the same server session, borrowed again").isEqualTo(first);
        }
        assertThatThrownBy(dataSource::getConnection).isInstanceOf(SQLException.class);
    }

    private static int backendPid(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
            row.next();
            return row.getInt(1);
        }
    }
}
