package io.fmodel.postgres.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * How the fixtures run PostgreSQL's and pgbouncer's binaries, both of which refuse to run as root.
 *
 * <p>Not root: the binaries run directly. Root: as the {@code postgres} user (created by Debian's
 * {@code postgresql-common}) through {@code setpriv}, which execs the binary in place, so the JVM stays the parent of
 * the postmaster and reaps it; the fixture's directory is handed to that user first. Root without such a user (or
 * without {@code setpriv}): in a user namespace through {@code unshare -U}, where the process sees itself and the
 * files it owns as {@code nobody}. Neither possible: the test is skipped. {@code -Dfmodel.topology.run-as=direct},
 * {@code user} or {@code unshare} forces one way.
 */
sealed interface RunAs {

    /** The account the Debian packages create and the fixtures run as when the tests run as root. */
    String POSTGRES_USER = "postgres";

    /** {@return {@code command} prefixed with whatever makes it run as a non-root user} */
    List<String> wrap(List<String> command);

    /** Makes {@code directory} (created by the JVM) writable by the processes started with {@link #wrap}. */
    void prepare(Path directory) throws IOException;

    /** The tests do not run as root: nothing to do. */
    record Direct() implements RunAs {
        @Override
        public List<String> wrap(List<String> command) {
            return List.copyOf(command);
        }

        @Override
        public void prepare(Path directory) {}
    }

    /** Root: {@code setpriv} to an existing unprivileged user, who owns the fixture's directory. */
    record AsUser(String user) implements RunAs {
        @Override
        public List<String> wrap(List<String> command) {
            List<String> wrapped =
                    new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
            wrapped.addAll(command);
            return wrapped;
        }

        @Override
        public void prepare(Path directory) throws IOException {
            UserPrincipal owner =
                    directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            Files.setOwner(directory, owner);
        }
    }

    /** Root without a usable user: a user namespace, as zonky's embedded PostgreSQL does. Files stay root's. */
    record InUserNamespace() implements RunAs {
        @Override
        public List<String> wrap(List<String> command) {
            List<String> wrapped = new ArrayList<>(List.of("unshare", "-U", "--"));
            wrapped.addAll(command);
            return wrapped;
        }

        @Override
        public void prepare(Path directory) {}
    }

    /** {@return the way to run the binaries on this machine; skips the calling test when there is none} */
    static RunAs detect() {
        String forced = System.getProperty("fmodel.topology.run-as", "").toLowerCase(Locale.ROOT);
        if (!forced.isEmpty()) {
            return switch (forced) {
                case "direct" -> new Direct();
                case "user" -> new AsUser(POSTGRES_USER);
                case "unshare" -> new InUserNamespace();
                default ->
                    throw new IllegalArgumentException(
                            "fmodel.topology.run-as is direct, user or unshare, not " + forced);
            };
        }
        Assumptions.assumeTrue(
                Detected.WAY.isPresent(),
                "the tests run as root, which PostgreSQL and pgbouncer refuse, and neither `setpriv` to a 'postgres' "
                        + "user nor `unshare -U` works here: the topology tests are skipped");
        return Detected.WAY.orElseThrow();
    }

    /** Detected once per JVM; empty when there is no way (an assumption, not an error: the class must load). */
    final class Detected {

        private static final Optional<RunAs> WAY = detectOnce();

        private Detected() {}

        private static Optional<RunAs> detectOnce() {
            if (!isRoot()) {
                return Optional.of(new Direct());
            }
            if (userExists(POSTGRES_USER) && succeeds("setpriv", "--reuid=" + POSTGRES_USER, "--", "true")) {
                return Optional.of(new AsUser(POSTGRES_USER));
            }
            if (succeeds("unshare", "-U", "--", "true")) {
                return Optional.of(new InUserNamespace());
            }
            return Optional.empty();
        }

        private static boolean isRoot() {
            try {
                return Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(line -> line.startsWith("Uid:"))
                        .anyMatch(line -> line.split("\\s+")[2].equals("0")); // Uid: real effective saved fs
            } catch (IOException e) {
                return "root".equals(System.getProperty("user.name"));
            }
        }

        private static boolean userExists(String user) {
            try {
                Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private static boolean succeeds(String... command) {
            try {
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!process.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    return false;
                }
                return process.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
