package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The layout on plain PostgreSQL (no citus extension): detected as {@link SchemaLayout#PLAIN}, installed as before;
 * {@link SchemaLayout#CITUS} asked explicitly is refused with {@link SchemaLayoutException} and installs nothing.
 * The Citus side is CitusStoreIT's.
 */
class SchemaLayoutIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void a_database_without_citus_gets_the_plain_layout_and_refuses_the_citus_one() throws SQLException {
        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + db.schema() + " CASCADE");
            s.execute("CREATE SCHEMA " + db.schema());
        }
        assertThat(SchemaInstaller.layoutOf(db.dataSource())).isEqualTo(SchemaLayout.PLAIN);
        assertThatThrownBy(() -> SchemaInstaller.install(db.dataSource(), SchemaLayout.CITUS))
                .isInstanceOf(SchemaLayoutException.class)
                .hasMessageContaining("citus extension")
                .satisfies(e -> assertThat(((SchemaLayoutException) e).stream()).isEqualTo("schema"));
        try (Connection c = db.connection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT to_regclass('schema_version') IS NULL")) {
            r.next();
            assertThat(r.getBoolean(1)).as("nothing installed").isTrue();
        }
        assertThat(SchemaInstaller.files(SchemaLayout.PLAIN)).isEqualTo(SchemaInstaller.FILES);
        assertThat(SchemaInstaller.install(db.dataSource())).isEqualTo(SchemaInstaller.FILES);
        assertThat(SchemaInstaller.layoutOf(db.dataSource())).isEqualTo(SchemaLayout.PLAIN);
        assertThat(SchemaInstaller.install(db.dataSource(), SchemaLayout.PLAIN)).isEmpty();
    }

    @Test
    void the_citus_layout_applies_the_variants_of_sql_citus_under_the_names_of_the_files_they_stand_for() {
        // every file has its variant in sql/citus/ but 002, which the streaming amendment follows
        assertThat(SchemaInstaller.files(SchemaLayout.CITUS))
                .containsExactly(
                        "001_event_sourcing.sql",
                        "002_event_streaming.sql",
                        "citus/002_event_streaming.sql",
                        "003_snapshots.sql",
                        "004_event_metadata.sql",
                        "005_view_lag_time.sql",
                        "006_own_sqlstates.sql");
        for (String file : List.of(
                "001_event_sourcing.sql",
                "003_snapshots.sql",
                "004_event_metadata.sql",
                "005_view_lag_time.sql",
                "006_own_sqlstates.sql")) {
            assertThat(SchemaInstaller.sql("citus/" + file))
                    .as(file)
                    .contains("INSERT INTO schema_version")
                    .contains("VALUES ('" + file + "')");
        }
    }
}
