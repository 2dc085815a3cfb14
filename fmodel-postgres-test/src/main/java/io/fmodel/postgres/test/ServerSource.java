package io.fmodel.postgres.test;

import io.fmodel.postgres.EmbeddedStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Where the test databases live: one {@link Server} per JVM and source, found or started on first use. */
sealed interface ServerSource {

    /** The servers of this JVM, by source: every test class on one source shares the server and its template. */
    Map<ServerSource, Server> SERVERS = new ConcurrentHashMap<>();

    static ServerSource embedded() {
        return new Embedded();
    }

    static ServerSource external(String jdbcUrl, String user, String password) {
        Server.databaseUrl(jdbcUrl, "check"); // fails early on a URL of another form
        return new External(jdbcUrl, user, password);
    }

    static ServerSource testcontainers(String image) {
        return new Testcontainers(image);
    }

    /** {@return the server, started when this is its first use} */
    default Server server() {
        if (this instanceof Testcontainers t) {
            // before computeIfAbsent: a skip or a missing artifact must not be remembered as a server
            Containers.check();
        }
        return SERVERS.computeIfAbsent(this, ServerSource::start);
    }

    private static Server start(ServerSource source) {
        return switch (source) {
            case Embedded e -> {
                EmbeddedStore embedded = EmbeddedStore.start();
                Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "fmodel-embedded-stop"));
                // zonky's URL names its user as a property: the user is passed apart
                yield Server.of(embedded.jdbcUrl().replaceAll("[?&]user=[^&]*", ""), "postgres", "postgres", false);
            }
            case External x -> Server.of(x.jdbcUrl(), x.user(), x.password(), true);
            case Testcontainers t -> Containers.start(t.image());
        };
    }

    /** {@return a short name of this source, for messages} */
    String describe();

    record Embedded() implements ServerSource {
        @Override
        public String describe() {
            return "embedded PostgreSQL";
        }
    }

    record External(String jdbcUrl, String user, String password) implements ServerSource {
        @Override
        public String describe() {
            return "the server of " + jdbcUrl;
        }

        @Override
        public String toString() {
            return "External[" + jdbcUrl + ", user=" + user + "]"; // no password in logs
        }
    }

    record Testcontainers(String image) implements ServerSource {
        @Override
        public String describe() {
            return "Testcontainers' " + image;
        }
    }
}
