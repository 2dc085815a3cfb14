package io.fmodel.flyway;

import io.fmodel.postgres.SchemaInstaller;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/** One file of {@code sql/} as a Flyway migration: {@code 002_event_streaming.sql} is version 2, "event streaming". */
record SqlFileMigration(String file, MigrationVersion version, String description, int checksum)
        implements JavaMigration {

    static SqlFileMigration of(String file) {
        int separator = file.indexOf('_');
        if (separator < 1 || !file.endsWith(".sql")) {
            throw new IllegalArgumentException("not a numbered file of sql/: " + file);
        }
        String number = file.substring(0, separator);
        String name = file.substring(separator + 1, file.length() - ".sql".length());
        CRC32 crc = new CRC32();
        crc.update(SchemaInstaller.sql(file).getBytes(StandardCharsets.UTF_8));
        return new SqlFileMigration(
                file,
                MigrationVersion.fromVersion(Integer.toString(Integer.parseInt(number))),
                name.replace('_', ' '),
                (int) crc.getValue());
    }

    @Override
    public MigrationVersion getVersion() {
        return version;
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public Integer getChecksum() {
        return checksum;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        SchemaInstaller.apply(context.getConnection(), file);
    }
}
