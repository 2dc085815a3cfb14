package io.fmodel.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Build-time tool: writes the Liquibase changelog of {@code sql/}, one changeset per top-level file, in file-name order.
 *
 * <p>Each changeset takes the advisory lock of {@code SchemaInstaller} and applies its file with {@code sqlFile}, from
 * the jar's {@code io/fmodel/postgres/sql/}, as one statement (dollar-quoted PL/pgSQL bodies stay whole). Its
 * precondition skips a file that {@code schema_version} records (marked as ran), so a database installed by
 * {@code SchemaInstaller} or Flyway is upgraded, not re-applied. The file lists the directory, the rule
 * {@code SchemaInstaller.FILES} is tested against: a new numbered file needs no change here. Its output is part of
 * every release's contract: Liquibase checksums each changeset, so a change to the text below fails validation of
 * every database that ran the old one.
 *
 * {@snippet lang = "shell" :
 * java io.fmodel.codegen.GenerateChangelog ../sql target/generated-resources/liquibase
 * }
 */
public final class GenerateChangelog {

    /** Where the changelog lands, in the output directory and so in the jar. */
    static final String CHANGELOG = "io/fmodel/postgres/liquibase/changelog.xml";

    // SchemaInstaller.INSTALL_LOCK (0x666d6f64656c); fmodel-postgres' LiquibaseChangelogTest keeps the two equal
    private static final long INSTALL_LOCK = 112620206318956L;

    private GenerateChangelog() {}

    /**
     * Runs the generator.
     *
     * @param args the {@code sql/} directory, the output directory
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: GenerateChangelog <sql dir> <output dir>");
        }
        Path target = Path.of(args[1]).resolve(CHANGELOG);
        Files.createDirectories(target.getParent());
        String changelog = changelog(files(Path.of(args[0])));
        if (!Files.exists(target) || !Files.readString(target).equals(changelog)) {
            Files.writeString(target, changelog, StandardCharsets.UTF_8);
        }
    }

    private static List<String> files(Path sqlDir) throws IOException {
        try (Stream<Path> files = Files.list(sqlDir)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".sql"))
                    .sorted()
                    .toList();
        }
    }

    static String changelog(List<String> files) {
        StringBuilder xml = new StringBuilder();
        xml.append("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Generated from sql/ by io.fmodel.codegen.GenerateChangelog at build time: do not edit.
                     One changeset per file of sql/, skipped (marked as ran) when schema_version records the file,
                     whichever path applied it: SchemaInstaller, Flyway (fmodel-flyway) or this changelog. -->
                <databaseChangeLog
                        xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                        xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd"
                        logicalFilePath="%s">
                """.formatted(CHANGELOG));
        for (String file : files) {
            xml.append("""

                        <changeSet id="%1$s" author="fmodel">
                            <preConditions onFail="MARK_RAN">
                                <or>
                                    <sqlCheck expectedResult="0">SELECT count(*) FROM (SELECT to_regclass('schema_version') AS t) r WHERE t IS NOT NULL</sqlCheck>
                                    <sqlCheck expectedResult="0">SELECT count(*) FROM schema_version WHERE file = '%1$s'</sqlCheck>
                                </or>
                            </preConditions>
                            <sql>SELECT pg_advisory_xact_lock(%2$d)</sql>
                            <sqlFile path="io/fmodel/postgres/sql/%1$s" relativeToChangelogFile="false"
                                     splitStatements="false" stripComments="false" encoding="UTF-8"/>
                        </changeSet>
                    """.formatted(file, INSTALL_LOCK));
        }
        xml.append("</databaseChangeLog>\n");
        return xml.toString();
    }
}
