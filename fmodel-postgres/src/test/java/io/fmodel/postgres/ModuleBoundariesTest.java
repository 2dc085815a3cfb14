package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What the compiled module descriptors let through: each published module exports its API packages only, the
 * adapter's internals and its generated jOOQ code stay inside (opened to jOOQ alone), and the core reads the JDK and
 * JSpecify only. The compiler enforces the descriptors on every module compiled against them (the examples are one).
 */
class ModuleBoundariesTest {

    @Test
    void the_adapter_exports_its_api_package_only_and_opens_the_generated_code_to_jooq_alone() throws IOException {
        ModuleDescriptor adapter = descriptor(Path.of("target", "classes"));

        assertThat(adapter.name()).isEqualTo("io.fmodel.postgres");
        assertThat(exports(adapter)).containsExactly("io.fmodel.postgres");
        Map<String, Set<String>> opens = new TreeMap<>();
        adapter.opens().forEach(o -> opens.put(o.source(), new TreeSet<>(o.targets())));
        assertThat(opens.keySet()).allMatch(p -> p.startsWith("io.fmodel.postgres.internal.jooq"));
        assertThat(opens.values()).allMatch(targets -> targets.equals(Set.of("org.jooq")));
        assertThat(Path.of("target", "classes", "io", "fmodel", "postgres", "internal", "StreamRunner.class"))
                .as("the internals are in the module, not exported")
                .exists();
        // everything the API's signatures show is read by its users too
        assertThat(transitive(adapter)).contains("io.fmodel.core", "java.sql", "com.fasterxml.jackson.databind");
        // EmbeddedStore's dependencies are optional at run time
        assertThat(adapter.requires())
                .filteredOn(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("embedded.postgres", "com.zaxxer.hikari");
    }

    @Test
    void the_core_reads_the_jdk_and_jspecify_only_and_exports_its_two_packages() throws IOException {
        ModuleDescriptor core = descriptor(Path.of("..", "fmodel-core", "target", "classes"));

        assertThat(core.name()).isEqualTo("io.fmodel.core");
        assertThat(core.requires())
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("java.base", "org.jspecify");
        assertThat(exports(core)).containsExactly("io.fmodel.core", "io.fmodel.core.application");
    }

    private static ModuleDescriptor descriptor(Path classes) throws IOException {
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    private static Set<String> exports(ModuleDescriptor module) {
        Set<String> exported = new TreeSet<>();
        for (ModuleDescriptor.Exports e : module.exports()) {
            assertThat(e.isQualified())
                    .as("export of %s to named modules only", e.source())
                    .isFalse();
            exported.add(e.source());
        }
        return exported;
    }

    private static Set<String> transitive(ModuleDescriptor module) {
        Set<String> names = new TreeSet<>();
        module.requires().stream()
                .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .forEach(r -> names.add(r.name()));
        return names;
    }
}
