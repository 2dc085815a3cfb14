package io.fmodel.postgres.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Testcontainers is optional: without it on the class path the default mode works and the container mode fails with a
 * message naming the artifact, never a raw {@link NoClassDefFoundError}. The scenarios run in a class loader of their
 * own whose class path is this test's without Testcontainers (and the JUnit launcher with it, so that the engine and
 * the extension are those of that loader).
 */
class WithoutTestcontainersTest {

    @Test
    void without_testcontainers_the_default_mode_works() throws Exception {
        String outcome = runWithoutTestcontainers(Scenarios.DefaultScenario.class);

        assertThat(outcome).isEqualTo("succeeded=[appends_an_event()] aborted=[] failed=[]");
    }

    @Test
    void without_testcontainers_the_container_mode_fails_naming_the_artifact_to_add() throws Exception {
        String outcome = runWithoutTestcontainers(Scenarios.ContainerScenario.class);

        assertThat(outcome)
                .startsWith("succeeded=[] aborted=[] failed=[appends_an_event(): ")
                .contains("ExtensionConfigurationException")
                .contains("org.testcontainers:testcontainers-postgresql")
                .doesNotContain("NoClassDefFoundError");
    }

    private static String runWithoutTestcontainers(Class<?> scenario) throws Exception {
        try (URLClassLoader without =
                new URLClassLoader(classPathWithout("testcontainers"), ClassLoader.getPlatformClassLoader())) {
            assertThat(without.getResource("org/testcontainers/DockerClientFactory.class"))
                    .isNull();
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(without); // the launcher finds its engines through it
            try {
                Class<?> launch = Class.forName(Launch.class.getName(), true, without);
                Method runByName = launch.getDeclaredMethod("runByName", String.class);
                runByName.setAccessible(true); // package-private, in the other loader's package of that name
                return (String) runByName.invoke(null, scenario.getName());
            } finally {
                thread.setContextClassLoader(before);
            }
        }
    }

    /** The test class path (surefire's, when it runs from a manifest-only jar) minus the entries naming {@code part}. */
    private static URL[] classPathWithout(String part) throws MalformedURLException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank() && !entry.contains(part)) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        assertThat(urls).as("class path entries").hasSizeGreaterThan(3);
        return urls.toArray(URL[]::new);
    }
}
