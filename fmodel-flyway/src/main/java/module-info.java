/**
 * The files of {@code sql/} as Flyway migrations ({@link io.fmodel.flyway.FmodelFlyway}), sharing
 * {@code schema_version} with {@code SchemaInstaller} and the Liquibase changelog. Flyway's jars have no module name:
 * {@code flyway.core} is the name derived from {@code flyway-core-<version>.jar}.
 */
module io.fmodel.flyway {
    requires transitive io.fmodel.postgres;
    requires transitive flyway.core;

    exports io.fmodel.flyway;
}
