package io.fmodel.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The harness still runs, end to end, in its tiny smoke mode: every row is printed. No timing is asserted. */
class BenchmarksSmokeIT {

    @Test
    void the_smoke_run_prints_every_row_of_the_table() throws Exception {
        String table = Benchmarks.run("--smoke");

        for (String threads : new String[] {"1t", "2t", "4t", "8t"}) {
            assertThat(table).contains("| 1a/" + threads + " |", "| 1b/" + threads + " |");
            assertThat(table).contains("| 2a/" + threads + " |", "| 2b/" + threads + " |");
        }
        for (String length : new String[] {"10", "100", "1000", "10000"}) {
            assertThat(table).contains("| 3/" + length + " |", "| 3s/" + length + " |");
        }
        assertThat(table).contains("| 2c |", "| 4a |", "| 4b |", "| 5a |", "| 5b |", "| 6 |", "| 7/16w |");
        assertThat(table).doesNotContain("MISSING", "NaN");
        assertThat(table).contains("Machine:", "PostgreSQL:", "server_version=");
    }
}
