package io.fmodel.vavr.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What the compiled descriptors of fmodel-vavr and its test kit let through, and that vavr stays out of the core
 * (fmodel-postgres' ModuleBoundariesTest checks the core's whole list of reads).
 */
class ModuleDescriptorsTest {

    @Test
    void fmodel_vavr_exports_its_one_package_and_passes_on_the_core_and_vavr() throws IOException {
        ModuleDescriptor vavr = descriptor(Path.of("..", "fmodel-vavr", "target", "classes"));

        assertThat(vavr.name()).isEqualTo("io.fmodel.vavr");
        assertThat(vavr.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("io.fmodel.vavr");
        assertThat(vavr.requires())
                .filteredOn(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("io.fmodel.core", "io.vavr");
    }

    @Test
    void the_test_kit_exports_its_one_package() throws IOException {
        ModuleDescriptor testkit = descriptor(Path.of("target", "classes"));

        assertThat(testkit.name()).isEqualTo("io.fmodel.vavr.testkit");
        assertThat(testkit.exports())
                .extracting(ModuleDescriptor.Exports::source)
                .containsExactly("io.fmodel.vavr.testkit");
    }

    @Test
    void the_core_does_not_read_vavr() throws IOException {
        ModuleDescriptor core = descriptor(Path.of("..", "fmodel-core", "target", "classes"));

        assertThat(core.requires()).extracting(ModuleDescriptor.Requires::name).doesNotContain("io.vavr");
    }

    private static ModuleDescriptor descriptor(Path classes) throws IOException {
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }
}
