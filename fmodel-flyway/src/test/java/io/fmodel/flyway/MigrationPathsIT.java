package io.fmodel.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.EmbeddedStore;
import io.fmodel.postgres.SchemaInstaller;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.UpdateCountCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The three ways of installing the schema (SchemaInstaller, Flyway through {@link FmodelFlyway}, Liquibase through the
 * changelog of fmodel-postgres' jar) on a real PostgreSQL: each installs a fresh database to the very schema
 * SchemaInstaller installs, and each upgrades a database of the previous version installed by any of the three. Here
 * because this is the one module that sees all three.
 *
 * <p>"The previous version" is the store before its last file of {@code sql/} (today 001 and 002, without
 * {@code 003_snapshots.sql}), as the previous release of each path installed it: SchemaInstaller applied its files and
 * they recorded themselves; Flyway ran the migrations up to that version; Liquibase ran that many changesets. Released
 * files never change, so those are the histories the previous release left.
 */
class MigrationPathsIT {

    private static final String CHANGELOG = "io/fmodel/postgres/liquibase/changelog.xml";
    private static final List<String> PREVIOUS = SchemaInstaller.FILES.subList(0, SchemaInstaller.FILES.size() - 1);
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private static EmbeddedStore server;
    private static List<String> reference;

    enum Path {
        SCHEMA_INSTALLER {
            @Override
            void install(DataSource dataSource) {
                SchemaInstaller.install(dataSource);
            }

            @Override
            void installPrevious(DataSource dataSource) throws SQLException {
                // what the previous release's SchemaInstaller.install did, with PREVIOUS as its FILES
                try (Connection connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    for (String file : PREVIOUS) {
                        SchemaInstaller.apply(connection, file);
                    }
                    connection.commit();
                }
            }
        },
        FLYWAY {
            @Override
            void install(DataSource dataSource) {
                // spotless:off
                // docs/migrations.md: start
                FmodelFlyway.configure()                  // Flyway.configure() with fmodel's migrations
                        .dataSource(dataSource)           // plus anything of yours: schemas, callbacks, ...
                        .load()
                        .migrate();
                // docs/migrations.md: end
                // spotless:on
            }

            @Override
            void installPrevious(DataSource dataSource) {
                String last = PREVIOUS.getLast();
                FmodelFlyway.configure()
                        .dataSource(dataSource)
                        .target(Integer.toString(Integer.parseInt(last.substring(0, last.indexOf('_')))))
                        .load()
                        .migrate();
            }
        },
        LIQUIBASE {
            @Override
            void install(DataSource dataSource) throws Exception {
                liquibase(dataSource, new CommandScope(UpdateCommandStep.COMMAND_NAME));
            }

            @Override
            void installPrevious(DataSource dataSource) throws Exception {
                liquibase(
                        dataSource,
                        new CommandScope(UpdateCountCommandStep.COMMAND_NAME)
                                .addArgumentValue(UpdateCountCommandStep.COUNT_ARG, PREVIOUS.size()));
            }

            private static void liquibase(DataSource dataSource, CommandScope command) throws Exception {
                try (Connection connection = dataSource.getConnection()) {
                    Database database = DatabaseFactory.getInstance()
                            .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                    Scope.child(
                            Scope.Attr.resourceAccessor.name(),
                            new ClassLoaderResourceAccessor(),
                            () -> command.addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                                    .execute());
                }
            }
        };

        abstract void install(DataSource dataSource) throws Exception;

        abstract void installPrevious(DataSource dataSource) throws Exception;
    }

    @BeforeAll
    static void start() throws SQLException {
        server = EmbeddedStore.start();
        DataSource installed = freshSchema();
        SchemaInstaller.install(installed);
        reference = fingerprint(installed);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void a_fresh_database_installed_by_each_path_gets_the_schema_of_the_installer_and_works(Path path)
            throws Exception {
        DataSource dataSource = freshSchema();

        path.install(dataSource);

        assertThat(recorded(dataSource)).containsExactlyElementsOf(SchemaInstaller.FILES);
        assertThat(fingerprint(dataSource)).containsExactlyElementsOf(reference);
        assertWorks(dataSource, 0);
        everyPathAgainAppliesNothing(dataSource);
    }

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (Path installedBy : Path.values()) {
            for (Path upgradedBy : Path.values()) {
                pairs.add(Arguments.of(installedBy, upgradedBy));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "installed by {0}, upgraded by {1}")
    @MethodSource("pairs")
    void a_database_of_the_previous_version_installed_by_one_path_is_upgraded_by_any_path(
            Path installedBy, Path upgradedBy) throws Exception {
        DataSource dataSource = freshSchema();
        installedBy.installPrevious(dataSource);
        assertThat(recorded(dataSource)).containsExactlyElementsOf(PREVIOUS);
        assertWorks(dataSource, 0);
        Map<String, String> before = functionVersions(dataSource);

        upgradedBy.install(dataSource);

        assertThat(recorded(dataSource)).containsExactlyElementsOf(SchemaInstaller.FILES);
        assertThat(fingerprint(dataSource)).containsExactlyElementsOf(reference);
        // the files of the previous version were skipped, not applied again: their functions are the rows they wrote
        Set<String> redefined = definedBy(SchemaInstaller.FILES.subList(PREVIOUS.size(), SchemaInstaller.FILES.size()));
        Map<String, String> after = functionVersions(dataSource);
        before.forEach((function, version) -> {
            if (!redefined.contains(function.substring(0, function.indexOf('(')))) {
                assertThat(after.get(function)).as(function).isEqualTo(version);
            }
        });
        assertWorks(dataSource, 1);
        everyPathAgainAppliesNothing(dataSource);
    }

    private static void everyPathAgainAppliesNothing(DataSource dataSource) throws Exception {
        Map<String, String> before = functionVersions(dataSource);
        for (Path path : Path.values()) {
            path.install(dataSource);
        }
        assertThat(SchemaInstaller.install(dataSource)).isEmpty();
        assertThat(functionVersions(dataSource)).isEqualTo(before);
        assertThat(recorded(dataSource)).containsExactlyElementsOf(SchemaInstaller.FILES);
    }

    /**
     * Appends to a new stream, reads it, streams the log to a new view (the next event of each stream) and, with snapshots installed,
     * saves and reads a snapshot; {@code earlier}: the events appended before, which must still be there.
     */
    private static void assertWorks(DataSource dataSource, int earlier) throws SQLException {
        String stream = UUID.randomUUID().toString();
        String view = "view-" + stream;
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT * FROM register_decider_event('counter', 'Added', 'added', 1)");
            statement.execute("SELECT * FROM append_event('Added', gen_random_uuid(), 'counter', '" + stream
                    + "', '{\"n\": 1}', gen_random_uuid(), NULL)");
            assertThat(count(statement, "SELECT count(*) FROM get_events('" + stream + "', 'counter')"))
                    .isEqualTo(1);
            statement.execute("SELECT * FROM register_view('" + view + "', '-infinity')");
            assertThat(count(statement, "SELECT count(*) FROM events")).isEqualTo(1 + earlier);
            assertThat(count(statement, "SELECT count(*) FROM stream_events('" + view + "', 100)"))
                    .isEqualTo(1 + earlier);
            if (recorded(dataSource).contains("003_snapshots.sql")) {
                statement.execute("SELECT save_snapshot('" + stream + "', 'counter', 'v1', '1', (SELECT event_id"
                        + " FROM get_last_event('" + stream + "', 'counter')))");
                assertThat(count(statement, "SELECT count(*) FROM get_snapshot('" + stream + "', 'counter', 'v1')"))
                        .isEqualTo(1);
            }
        }
    }

    private static DataSource freshSchema() throws SQLException {
        String schema = "migrations_" + SCHEMAS.incrementAndGet();
        try (Connection connection = server.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            statement.execute("CREATE SCHEMA " + schema);
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(server.jdbcUrl());
        dataSource.setCurrentSchema(schema);
        return dataSource;
    }

    private static List<String> recorded(DataSource dataSource) throws SQLException {
        List<String> files = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT file FROM schema_version ORDER BY file")) {
            while (rows.next()) {
                files.add(rows.getString(1));
            }
        }
        return files;
    }

    /** The store's relations, columns, functions (by body) and triggers, without the tools' own history tables. */
    private static List<String> fingerprint(DataSource dataSource) throws SQLException {
        String sql = """
                SELECT kind || ' ' || name FROM (
                    SELECT 'relation' AS kind, c.relname || ' ' || c.relkind::text AS name
                    FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
                    UNION ALL
                    SELECT 'column', c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                        || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                    WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
                    UNION ALL
                    SELECT 'function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
                        || md5(p.prosrc)
                    FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
                    UNION ALL
                    SELECT 'trigger', t.tgname || ' on ' || c.relname
                    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                    WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
                ) f
                WHERE name NOT LIKE 'fmodel_schema_history%' AND name NOT LIKE 'databasechangelog%'
                ORDER BY 1
                """;
        List<String> lines = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                lines.add(rows.getString(1));
            }
        }
        assertThat(lines).as("fingerprint of the store").anyMatch(l -> l.startsWith("function append_events("));
        return lines;
    }

    /** Each function of the store and the transaction that wrote its row: a file applied again rewrites it. */
    private static Map<String, String> functionVersions(DataSource dataSource) throws SQLException {
        Map<String, String> versions = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.xmin::text"
                                + " FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace")) {
            while (rows.next()) {
                versions.put(rows.getString(1), rows.getString(2));
            }
        }
        return versions;
    }

    private static Set<String> definedBy(List<String> files) {
        Pattern function = Pattern.compile("(?i)CREATE\\s+OR\\s+REPLACE\\s+FUNCTION\\s+(\\w+)");
        Set<String> names = new TreeSet<>();
        for (String file : files) {
            Matcher m = function.matcher(SchemaInstaller.sql(file));
            while (m.find()) {
                names.add(m.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
