package io.fmodel.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
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
}
