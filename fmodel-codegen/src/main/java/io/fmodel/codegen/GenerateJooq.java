package io.fmodel.codegen;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Target;

/**
 * Build-time tool: generates jOOQ code from the live schema that {@code sql/*.sql} creates.
 *
 * <p>Starts an embedded PostgreSQL, applies the top-level {@code sql/*.sql} files in file-name order (as psql and the
 * runtime installer do), and runs jOOQ's {@link GenerationTool} on the result. The live database is needed because
 * jOOQ's {@code DDLDatabase} cannot parse functions.
 *
 * {@snippet lang = "shell" :
 * java io.fmodel.codegen.GenerateJooq ../sql target/generated-sources/jooq io.fmodel.postgres.internal.jooq
 * }
 */
public final class GenerateJooq {

    private GenerateJooq() {}

    /**
     * Runs the generator.
     *
     * @param args the {@code sql/} directory, the output directory, the target package
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: GenerateJooq <sql dir> <output dir> <package>");
        }
        Path sqlDir = Path.of(args[0]);
        Path outputDir = Path.of(args[1]);
        String packageName = args[2];
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
                for (Path file : sqlFiles(sqlDir)) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute(Files.readString(file));
                    } catch (SQLException e) {
                        throw new IllegalStateException("cannot apply " + file + ": " + e.getMessage(), e);
                    }
                }
            }
            GenerationTool.generate(configuration(url, outputDir, packageName));
        }
    }

    private static List<Path> sqlFiles(Path sqlDir) throws IOException {
        try (Stream<Path> files = Files.list(sqlDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sql"))
                    .sorted()
                    .toList();
        }
    }

    private static Configuration configuration(String url, Path outputDir, String packageName) {
        return new Configuration()
                .withLogging(Logging.WARN)
                .withJdbc(new Jdbc()
                        .withDriver("org.postgresql.Driver")
                        .withUrl(url)
                        .withUser("postgres")
                        .withPassword("postgres"))
                .withGenerator(new Generator()
                        .withName("org.jooq.codegen.JavaGenerator")
                        .withDatabase(new Database()
                                .withName("org.jooq.meta.postgres.PostgresDatabase")
                                .withInputSchema("public")
                                // Unqualified SQL: the objects are found through the search_path, so one
                                // database can hold several event stores in several schemas.
                                .withOutputSchemaToDefault(true)
                                .withIncludes(".*")
                                .withExcludes("reject_change|insert_event|command_events|require_stream_and_command"))
                        .withGenerate(new Generate()
                                .withGeneratedAnnotation(false)
                                .withDeprecated(false)
                                .withFluentSetters(false)
                                .withPojos(false)
                                .withDaos(false))
                        .withTarget(new Target()
                                .withPackageName(packageName)
                                .withDirectory(outputDir.toString())
                                .withClean(true)));
    }
}
