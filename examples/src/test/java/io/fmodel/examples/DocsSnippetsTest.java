package io.fmodel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java block of README.md and docs/ is the code of a test, line for line: the lines between a start marker
 * ({@code // README: name} or {@code // docs/page.md: start}) and its end marker in the tests of any module, which
 * compile and run them. Indentation and blank lines aside, and the closing braces a block ends with (a test goes on inside
 * the block before it closes it).
 */
class DocsSnippetsTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern START = Pattern.compile("// (README: (?!end$).+|docs/[\\w./-]+\\.md: start)");
    private static final Pattern END = Pattern.compile("// (README|docs/[\\w./-]+\\.md): end");

    @Test
    void every_java_block_of_the_readme_and_the_docs_is_a_tested_snippet() throws IOException {
        Map<String, List<String>> snippets = snippets();
        assertThat(snippets).as("snippets in the tests").hasSizeGreaterThan(5);
        int blocks = 0;
        List<String> untested = new ArrayList<>();
        for (Path page : pages()) {
            for (List<String> block : javaBlocks(Files.readAllLines(page))) {
                blocks++;
                if (!snippets.containsValue(withoutClosingBraces(block))) {
                    untested.add(ROOT.relativize(page) + ":\n  " + String.join("\n  ", block));
                }
            }
        }
        assertThat(blocks).as("Java blocks in README.md and docs/").isGreaterThan(5);
        assertThat(untested)
                .as("Java blocks that no test runs as they are written")
                .isEmpty();
    }

    @Test
    void every_snippet_of_the_tests_is_a_block_of_the_readme_or_the_docs() throws IOException {
        List<List<String>> blocks = new ArrayList<>();
        for (Path page : pages()) {
            javaBlocks(Files.readAllLines(page)).forEach(b -> blocks.add(withoutClosingBraces(b)));
        }
        for (Map.Entry<String, List<String>> snippet : snippets().entrySet()) {
            assertThat(blocks)
                    .as("a block for the snippet %s", snippet.getKey())
                    .contains(snippet.getValue());
        }
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** {@return the marked snippets of every module's tests, by file and marker, normalized} */
    private static Map<String, List<String>> snippets() throws IOException {
        Map<String, List<String>> snippets = new LinkedHashMap<>();
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path tests : modules.map(m -> m.resolve("src/test/java"))
                    .filter(Files::isDirectory)
                    .sorted()
                    .toList()) {
                try (Stream<Path> files = Files.walk(tests)) {
                    files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(sources::add);
                }
            }
        }
        for (Path source : sources) {
            List<String> lines = normalized(Files.readAllLines(source));
            for (int i = 0; i < lines.size(); i++) {
                Matcher start = START.matcher(lines.get(i));
                if (!start.matches() || source.endsWith("DocsSnippetsTest.java")) {
                    continue;
                }
                int end = i + 1;
                while (end < lines.size() && !END.matcher(lines.get(end)).matches()) {
                    end++;
                }
                assertThat(end)
                        .as("end marker after %s in %s", start.group(), source)
                        .isLessThan(lines.size());
                snippets.put(
                        source.getFileName() + " " + start.group(1) + " @" + i,
                        withoutClosingBraces(lines.subList(i + 1, end)));
                i = end;
            }
        }
        return snippets;
    }

    private static List<List<String>> javaBlocks(List<String> page) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : page) {
            if (block == null && line.strip().equals("```java")) {
                block = new ArrayList<>();
            } else if (block != null && line.strip().equals("```")) {
                blocks.add(normalized(block));
                block = null;
            } else if (block != null) {
                block.add(line);
            }
        }
        return blocks;
    }

    private static List<String> withoutClosingBraces(List<String> block) {
        int end = block.size();
        while (end > 0 && block.get(end - 1).matches("[})];?")) {
            end--;
        }
        return List.copyOf(block.subList(0, end));
    }

    /** Lines without their indentation, blank lines dropped: a page indents its blocks less than a class does. */
    private static List<String> normalized(List<String> lines) {
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                kept.add(line.strip());
            }
        }
        return kept;
    }
}
