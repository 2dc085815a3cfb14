package io.fmodel.postgres.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module exports its one package, and Testcontainers is no module it requires, not even statically. */
class ModuleDescriptorTest {

    @Test
    void the_module_exports_its_package_only_and_does_not_require_testcontainers() throws IOException {
        ModuleDescriptor module;
        try (InputStream in = Files.newInputStream(Path.of("target", "classes", "module-info.class"))) {
            module = ModuleDescriptor.read(in);
        }

        assertThat(module.name()).isEqualTo("io.fmodel.postgres.test");
        assertThat(module.exports()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("io.fmodel.postgres.test");
            assertThat(e.isQualified()).isFalse();
        });
        assertThat(module.requires())
                .extracting(ModuleDescriptor.Requires::name)
                .contains("io.fmodel.postgres", "org.junit.jupiter.api")
                .noneMatch(name -> name.contains("testcontainers"));
    }
}
