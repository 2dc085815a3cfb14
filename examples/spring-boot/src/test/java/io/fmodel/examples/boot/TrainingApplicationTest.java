package io.fmodel.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.test.PostgresStoreExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the application on the embedded PostgreSQL, drives it over HTTP and reads its metrics from Actuator. */
class TrainingApplicationTest {

    @RegisterExtension
    final PostgresStoreExtension db = PostgresStoreExtension.of();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void a_registration_posted_over_http_shows_in_the_view_and_in_the_metrics() throws Exception {
        try (ConfigurableApplicationContext app = SpringApplication.run(
                TrainingApplication.class,
                "--server.port=0",
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username="
                        + db.dataSource()
                                .unwrap(com.zaxxer.hikari.HikariDataSource.class)
                                .getUsername(),
                "--spring.datasource.password="
                        + db.dataSource()
                                .unwrap(com.zaxxer.hikari.HikariDataSource.class)
                                .getPassword(),
                "--spring.datasource.hikari.maximum-pool-size=5")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            String base = "http://localhost:" + port;
            UUID training = UUID.randomUUID();

            var posted = send(HttpRequest.newBuilder(URI.create(base + "/trainings/" + training + "/registration"))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"traineeId\":\"ana\",\"courseId\":\"java\",\"dueDate\":\"2027-01-31\"}"))
                    .build());
            assertThat(posted.statusCode()).isEqualTo(200);
            assertThat(posted.body()).contains("ana");

            String status = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                var got = send(HttpRequest.newBuilder(URI.create(base + "/trainings/" + training))
                        .build());
                if (got.statusCode() == 200) {
                    status = got.body();
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(status).contains("\"status\":\"registered\"").contains("\"traineeId\":\"ana\"");

            var timer = send(HttpRequest.newBuilder(
                            URI.create(base + "/actuator/metrics/fmodel.command.handling?tag=outcome:accepted"))
                    .build());
            assertThat(timer.statusCode()).isEqualTo(200);
            assertThat(timer.body()).contains("\"statistic\":\"COUNT\",\"value\":1.0");
            var events = send(HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/fmodel.view.events"))
                    .build());
            assertThat(events.body()).contains("\"statistic\":\"COUNT\",\"value\":1.0");
            var processing = send(HttpRequest.newBuilder(
                            URI.create(base + "/actuator/metrics/fmodel.view.processing?tag=view:training-status"))
                    .build());
            assertThat(processing.statusCode()).isEqualTo(200);
            assertThat(processing.body()).contains("\"statistic\":\"COUNT\"");
            var lagTime = send(HttpRequest.newBuilder(
                            URI.create(base + "/actuator/metrics/fmodel.view.lag.time?tag=view:training-status"))
                    .build());
            assertThat(lagTime.statusCode()).isEqualTo(200);
            assertThat(lagTime.body()).contains("\"baseUnit\":\"seconds\"");

            var views = send(HttpRequest.newBuilder(URI.create(base + "/actuator/fmodel"))
                    .build());
            assertThat(views.body()).contains("\"view\":\"training-status\"").contains("\"running\":true");
            var health = send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                    .build());
            assertThat(health.body()).contains("\"fmodel\":{").contains("\"status\":\"UP\"");
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
