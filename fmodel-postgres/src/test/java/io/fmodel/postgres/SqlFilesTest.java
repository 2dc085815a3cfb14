package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SqlFilesTest {

    private static final Path SQL = Path.of("..", "sql");

    @Test
    void the_installer_applies_exactly_the_files_of_the_sql_directory_in_file_name_order() throws IOException {
        try (Stream<Path> files = Files.list(SQL)) {
            var onDisk = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".sql"))
                    .sorted()
                    .toList();
            assertThat(SchemaInstaller.FILES).containsExactlyElementsOf(onDisk);
        }
    }

    @Test
    void every_file_is_packaged_as_it_is_on_disk() throws IOException {
        for (String file : SchemaInstaller.FILES) {
            assertThat(SchemaInstaller.sql(file)).isEqualTo(Files.readString(SQL.resolve(file)));
        }
    }

    @Test
    void every_file_records_itself_in_schema_version() {
        for (String file : SchemaInstaller.FILES) {
            assertThat(SchemaInstaller.sql(file))
                    .contains("INSERT INTO schema_version")
                    .contains("'" + file + "'");
        }
    }
}
