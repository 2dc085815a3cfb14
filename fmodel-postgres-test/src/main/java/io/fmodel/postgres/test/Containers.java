package io.fmodel.postgres.test;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The Testcontainers mode's checks, in a class that names no Testcontainers type: it is loaded whatever the class
 * path, and {@link ContainerServer} (which does name them) only once Testcontainers is known to be there.
 */
final class Containers {

    /** What to add when Testcontainers is missing. */
    static final String ARTIFACT = "org.testcontainers:testcontainers-postgresql (2.x, for example 2.0.5)";

    private static final String[] NEEDED = {
        "org.testcontainers.DockerClientFactory", "org.testcontainers.postgresql.PostgreSQLContainer"
    };

    private static @Nullable Boolean dockerAnswers; // guarded by Containers.class: asked once per JVM

    private Containers() {}

    /**
     * Checks that the mode can run.
     *
     * @throws ExtensionConfigurationException if Testcontainers is not on the class path (the message names it)
     * @throws org.opentest4j.TestAbortedException if no Docker daemon answers: the test is skipped
     */
    static void check() {
        for (String needed : NEEDED) {
            try {
                Class.forName(needed, false, Containers.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ExtensionConfigurationException(
                        "PostgresStoreExtension.testcontainers() needs " + needed + " on the test class path: add "
                                + ARTIFACT + " in test scope, or use PostgresStoreExtension.of() (embedded"
                                + " PostgreSQL, or your server through FMODEL_TEST_JDBC_URL)",
                        e);
            }
        }
        Assumptions.assumeTrue(
                dockerAnswers(),
                "PostgresStoreExtension.testcontainers(): no Docker daemon answers (Testcontainers found none),"
                        + " so this test is skipped. Start Docker, or use PostgresStoreExtension.of() (embedded"
                        + " PostgreSQL, or your server through FMODEL_TEST_JDBC_URL)");
    }

    static Server start(String image) {
        readTestcontainers();
        return ContainerServer.start(image);
    }

    /** On the module path, lets this module read the class path, where Testcontainers is (a no-op on the class path). */
    private static void readTestcontainers() {
        ClassLoader loader = Containers.class.getClassLoader();
        if (loader != null) {
            Containers.class.getModule().addReads(loader.getUnnamedModule());
        }
    }

    private static synchronized boolean dockerAnswers() {
        Boolean answers = dockerAnswers;
        if (answers == null) {
            readTestcontainers();
            answers = ContainerServer.dockerAnswers();
            dockerAnswers = answers;
        }
        return answers;
    }
}
