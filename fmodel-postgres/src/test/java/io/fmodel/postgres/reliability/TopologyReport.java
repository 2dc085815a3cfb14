package io.fmodel.postgres.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * The figures of the topology suites, printed (the failsafe output files) and appended to
 * {@code target/topology-summary.txt}, the file docs/reliability.md quotes.
 */
final class TopologyReport {

    private static final Path FILE = Path.of("target", "topology-summary.txt");

    private TopologyReport() {}

    static synchronized void line(String format, Object... arguments) {
        String line = String.format(Locale.ROOT, format, arguments);
        System.out.println(line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(
                    FILE, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String ms(Duration duration) {
        return duration.toMillis() + " ms";
    }

    static String ms(long nanos) {
        return nanos < 0 ? "never" : (nanos / 1_000_000) + " ms";
    }
}
