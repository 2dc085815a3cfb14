package io.fmodel.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DemoTest {

    @Test
    void without_options_the_demo_runs_12_trainees_on_4_threads_on_an_embedded_database() {
        assertThat(Demo.Arguments.parse(new String[0], Map.of()))
                .isEqualTo(new Demo.Arguments(12, 4, null, null, null));
    }

    @Test
    void scale_sets_the_trainees_and_more_threads() {
        assertThat(Demo.Arguments.parse(new String[] {"--scale", "1000"}, Map.of()))
                .isEqualTo(new Demo.Arguments(1000, 8, null, null, null));
        assertThat(Demo.Arguments.parse(new String[] {"--scale", "1000", "--threads", "3"}, Map.of()))
                .isEqualTo(new Demo.Arguments(1000, 3, null, null, null));
    }

    @Test
    void an_existing_server_is_given_by_options_or_by_the_environment_and_options_win() {
        var env = Map.of("FMODEL_JDBC_URL", "jdbc:postgresql://db/env", "FMODEL_JDBC_USER", "env-user");
        assertThat(Demo.Arguments.parse(new String[0], env))
                .isEqualTo(new Demo.Arguments(12, 4, "jdbc:postgresql://db/env", "env-user", null));
        assertThat(Demo.Arguments.parse(
                        new String[] {"--jdbc-url", "jdbc:postgresql://db/demo", "--user", "me", "--password", "pw"},
                        env))
                .isEqualTo(new Demo.Arguments(12, 4, "jdbc:postgresql://db/demo", "me", "pw"));
    }

    @Test
    void a_wrong_option_is_refused_with_the_usage() {
        assertThatThrownBy(() -> Demo.Arguments.parse(new String[] {"--scael", "10"}, Map.of()))
                .hasMessageContaining("unknown option --scael")
                .hasMessageContaining("usage:");
        assertThatThrownBy(() -> Demo.Arguments.parse(new String[] {"--scale", "many"}, Map.of()))
                .hasMessageContaining("--scale needs a number");
        assertThatThrownBy(() -> Demo.Arguments.parse(new String[] {"--jdbc-url"}, Map.of()))
                .hasMessageContaining("--jdbc-url needs a value");
    }

    @Test
    void a_registration_round_trips_through_a_plain_jackson_mapper_with_its_due_date_as_an_iso_string()
            throws Exception {
        var mapper = new ObjectMapper();
        var created = new RegistrationCreated(
                UUID.fromString("00000000-0000-0000-0000-000000000042"),
                "alice",
                "JAVA-101",
                LocalDate.of(2026, 12, 31));

        String json = mapper.writeValueAsString(created);

        assertThat(json).contains("\"dueDate\":\"2026-12-31\"");
        assertThat(mapper.readValue(json, RegistrationCreated.class)).isEqualTo(created);
    }
}
