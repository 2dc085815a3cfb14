package io.fmodel.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.SchemaInstaller;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.junit.jupiter.api.Test;

class FmodelFlywayTest {

    @Test
    void there_is_one_migration_per_file_of_the_installer_versioned_by_its_number_in_file_name_order() {
        List<JavaMigration> migrations = FmodelFlyway.migrations();

        assertThat(migrations)
                .extracting(m -> ((SqlFileMigration) m).file())
                .containsExactlyElementsOf(SchemaInstaller.FILES);
        assertThat(migrations.get(0).getVersion().getVersion()).isEqualTo("1");
        assertThat(migrations.get(0).getDescription()).isEqualTo("event sourcing");
        assertThat(migrations.get(1).getDescription()).isEqualTo("event streaming");
        for (int i = 1; i < migrations.size(); i++) {
            assertThat(migrations.get(i).getVersion())
                    .isGreaterThan(migrations.get(i - 1).getVersion());
        }
    }

    @Test
    void the_checksum_of_a_migration_is_the_crc32_of_its_file_so_an_edited_file_fails_validation() {
        for (JavaMigration migration : FmodelFlyway.migrations()) {
            CRC32 crc = new CRC32();
            crc.update(
                    SchemaInstaller.sql(((SqlFileMigration) migration).file()).getBytes(StandardCharsets.UTF_8));
            assertThat(migration.getChecksum()).isEqualTo((int) crc.getValue());
            assertThat(migration.canExecuteInTransaction()).isTrue();
        }
    }

    @Test
    void the_configuration_keeps_its_own_history_table_scans_no_location_and_baselines_below_the_first_file() {
        Configuration configuration = FmodelFlyway.configure();

        assertThat(configuration.getTable()).isEqualTo("fmodel_schema_history");
        assertThat(configuration.getLocations()).isEmpty();
        assertThat(configuration.isBaselineOnMigrate()).isTrue();
        assertThat(configuration.getBaselineVersion().getVersion()).isEqualTo("0");
        assertThat(configuration.getJavaMigrations()).hasSize(SchemaInstaller.FILES.size());
    }
}
