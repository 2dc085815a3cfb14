package io.fmodel.postgres.test;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** The Testcontainers mode: the one class that names Testcontainers' types, loaded after {@link Containers#check()}. */
final class ContainerServer {

    private ContainerServer() {}

    static boolean dockerAnswers() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** {@return a server in a started container of {@code image}, stopped when the JVM exits} */
    @SuppressWarnings("resource") // stopped by the shutdown hook (and by Testcontainers' reaper if the JVM dies)
    static Server start(String image) {
        PostgreSQLContainer container =
                new PostgreSQLContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"));
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "fmodel-container-stop"));
        return Server.of(container.getJdbcUrl(), container.getUsername(), container.getPassword(), false);
    }
}
