package io.fmodel.core.application;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fmodel.core");

    @Test
    void the_core_depends_only_on_the_jdk_and_jspecify() {
        classes()
                .that()
                .resideInAPackage("io.fmodel.core..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.jspecify..", "io.fmodel.core..")
                .check(core);
    }

    @Test
    void the_domain_does_not_depend_on_the_application_layer() {
        classes()
                .that()
                .resideInAPackage("io.fmodel.core")
                .should()
                .onlyDependOnClassesThat()
                .resideOutsideOfPackage("io.fmodel.core.application..")
                .check(core);
    }
}
