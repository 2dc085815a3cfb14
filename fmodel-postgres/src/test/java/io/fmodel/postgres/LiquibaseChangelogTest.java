package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The Liquibase changelog generated into this jar: the files of the installer, applied as the installer does. */
class LiquibaseChangelogTest {

    private static final String CHANGELOG = "/io/fmodel/postgres/liquibase/changelog.xml";

    @Test
    void the_changelog_has_one_changeset_per_file_of_the_installer_in_its_order_applying_the_packaged_file()
            throws Exception {
        Document changelog = changelog();
        NodeList changeSets = changelog.getElementsByTagName("changeSet");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < changeSets.getLength(); i++) {
            Element changeSet = (Element) changeSets.item(i);
            String file = changeSet.getAttribute("id");
            ids.add(file);
            Element sqlFile =
                    (Element) changeSet.getElementsByTagName("sqlFile").item(0);
            assertThat(sqlFile.getAttribute("path")).isEqualTo("io/fmodel/postgres/sql/" + file);
            assertThat(SchemaInstaller.class.getResource("/" + sqlFile.getAttribute("path")))
                    .isNotNull();
            // one statement, as the installer sends it: PL/pgSQL bodies are dollar-quoted
            assertThat(sqlFile.getAttribute("splitStatements")).isEqualTo("false");
            assertThat(changeSet.getElementsByTagName("sql").item(0).getTextContent())
                    .isEqualTo("SELECT pg_advisory_xact_lock(" + SchemaInstaller.INSTALL_LOCK + ")");
            assertThat(changeSet.getElementsByTagName("preConditions").item(0).getTextContent())
                    .contains("schema_version WHERE file = '" + file + "'");
        }
        assertThat(ids).containsExactlyElementsOf(SchemaInstaller.FILES);
        // the identity of its changesets does not depend on how an application includes it
        assertThat(changelog.getDocumentElement().getAttribute("logicalFilePath"))
                .isEqualTo("io/fmodel/postgres/liquibase/changelog.xml");
    }

    private static Document changelog() throws Exception {
        try (InputStream in = SchemaInstaller.class.getResourceAsStream(CHANGELOG)) {
            assertThat(in).as(CHANGELOG).isNotNull();
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }
}
