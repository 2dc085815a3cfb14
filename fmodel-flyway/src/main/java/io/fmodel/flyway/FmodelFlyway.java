package io.fmodel.flyway;

import io.fmodel.postgres.SchemaInstaller;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * The event store schema as Flyway migrations: one {@link JavaMigration} per file of {@code sql/}
 * ({@link SchemaInstaller#FILES}), version {@code N} for {@code 00N_name.sql}, in file-name order.
 *
 * <p>Each migration applies its file with {@link SchemaInstaller#apply}: under the installer's advisory lock, and only
 * if {@code schema_version} does not record it, which every file writes as its last statement. So the three ways of
 * installing the schema (this one, {@code SchemaInstaller} and the Liquibase changelog) share one record: whichever
 * applied a file, the others skip it. A skipped file still counts as a successful migration for Flyway. The checksum of
 * a migration is the CRC32 of its file: editing a released file fails Flyway's validation, as intended (new versions
 * are new files). A new file of {@code sql/} becomes a new migration without a change here.
 *
 * <p>The migrations keep their own history table ({@link #HISTORY_TABLE}), apart from the application's
 * {@code flyway_schema_history}, so that their versions never collide with the application's own. Does no I/O until
 * Flyway migrates.
 *
 * {@snippet :
 * FmodelFlyway.configure().dataSource(dataSource).load().migrate();
 * }
 */
public final class FmodelFlyway {

    /** The table in which Flyway records the event store's migrations. */
    public static final String HISTORY_TABLE = "fmodel_schema_history";

    private FmodelFlyway() {}

    /** {@return one migration per file of {@link SchemaInstaller#FILES}, in the order they are applied} */
    public static List<JavaMigration> migrations() {
        return SchemaInstaller.FILES.stream()
                .map(file -> (JavaMigration) SqlFileMigration.of(file))
                .toList();
    }

    /**
     * {@return a Flyway configuration with {@link #migrations()} only (no location scanned), history in
     * {@link #HISTORY_TABLE}, and baseline version 0 on migrate, so that a schema that is not empty (tables of the
     * application, or the store installed by {@code SchemaInstaller}) is migrated too: every file then runs and skips
     * itself if recorded}
     *
     * <p>Add the data source (and anything else) before {@code load()}.
     */
    public static FluentConfiguration configure() {
        return configure(Flyway.configure());
    }

    /**
     * {@return {@code configuration} with the settings of {@link #configure()}}: for a configuration that carries other
     * settings already (a class loader, a schema, callbacks)
     */
    public static FluentConfiguration configure(FluentConfiguration configuration) {
        return configuration
                .javaMigrations(migrations().toArray(JavaMigration[]::new))
                .locations(new String[0])
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                // no quote in it: Flyway inlines the description into its baseline statement
                .baselineDescription("before the fmodel migrations");
    }
}
