package io.fmodel.postgres.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starting, signalling and waiting for the fixtures' operating-system processes; all of it is I/O. */
final class Processes {

    private Processes() {}

    /**
     * {@return a started process: {@code command} wrapped by {@code runAs}, output appended to {@code log}}
     *
     * <p>The environment loses every {@code PG*} variable (a stray {@code PGPORT} or {@code PGDATA} must not leak into
     * the fixture) and gets {@code HOME} = {@code home} and {@code LC_ALL=C}.
     */
    static Process start(RunAs runAs, List<String> command, Path home, Path log) {
        ProcessBuilder builder = new ProcessBuilder(runAs.wrap(command))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("PG"));
        environment.put("HOME", home.toString());
        environment.put("LC_ALL", "C");
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /** Runs {@code command} to its end; throws with the tail of {@code log} when it fails or outlasts {@code timeout}. */
    static void run(RunAs runAs, List<String> command, Path home, Path log, Duration timeout) {
        Process process = start(runAs, command, home, log);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        command.get(0) + " did not finish within " + timeout + ":\n" + tail(log, 20));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command + " exited with " + process.exitValue() + ":\n" + tail(log, 20));
        }
    }

    /** Sends {@code signal} ({@code KILL}, {@code STOP}, {@code INT}...) to {@code pids} with {@code kill(1)}. */
    static void signal(String signal, Collection<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-s", signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        try {
            // kill(1) fails when one of the processes is already gone, which is what we want anyway: not checked.
            new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /**
     * {@return whether {@code pid} is gone: no such process, or a zombie}
     *
     * <p>A zombie has released its memory, shared memory included, so it no longer keeps a data directory busy; and
     * an orphan's zombie is reaped by init, not by us, whenever init gets to it.
     */
    static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // pid (comm) state ...: comm may hold spaces and parentheses, the state follows the last ')'.
            int end = stat.lastIndexOf(')');
            return end < 0 || stat.length() < end + 3 || stat.charAt(end + 2) == 'Z';
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** Waits until every one of {@code pids} is {@link #gone}; throws once {@code timeout} has passed. */
    static void awaitGone(Collection<Long> pids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pids.stream().allMatch(Processes::gone)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still running after " + timeout + ": "
                        + pids.stream().filter(pid -> !gone(pid)).toList());
            }
            sleep(Duration.ofMillis(10));
        }
    }

    /** {@return the last {@code lines} lines of {@code file}, or a note when it cannot be read} */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    /** Deletes {@code directory} and everything below it; a missing directory is fine. */
    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + directory, e);
        }
    }

    /** {@link Thread#sleep} that keeps the interrupt flag and rethrows unchecked. */
    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Registers {@code action} to run at JVM exit; {@link #forget} removes it again. */
    static Thread atExit(String name, Runnable action) {
        Thread hook = new Thread(action, name);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Removes a hook of {@link #atExit}; a no-op while the JVM is already shutting down. */
    static void forget(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: nothing to remove
        }
    }
}
