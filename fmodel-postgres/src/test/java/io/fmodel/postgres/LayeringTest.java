package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of the adapter, read from the compiled classes (no ArchUnit: the constant pool of a class names every
 * class it depends on, and reflection gives every public signature):
 *
 * <ul>
 *   <li>the generated jOOQ code ({@code io.fmodel.postgres.internal.jooq}) is reached only from the handwritten
 *       internals ({@code io.fmodel.postgres.internal});
 *   <li>no public or protected member of a public type of the API exposes jOOQ, the generated code or the internals.
 * </ul>
 */
class LayeringTest {

    private static final Path CLASSES = Path.of("target", "classes");
    private static final String INTERNAL = "io/fmodel/postgres/internal/";
    private static final String GENERATED = INTERNAL + "jooq/";

    @Test
    void only_the_internal_package_depends_on_the_generated_jooq_code() throws IOException {
        List<String> all = classFiles();
        List<String> offenders = new ArrayList<>();
        for (String c : all) {
            if (!c.startsWith(INTERNAL) && constantPoolOf(c).contains(GENERATED)) {
                offenders.add(c);
            }
        }
        assertThat(all).as("the generated code was compiled").anyMatch(c -> c.startsWith(GENERATED));
        assertThat(all).as("the internals use it").anyMatch(c -> c.startsWith(INTERNAL + "StreamRunner"));
        assertThat(offenders).isEmpty();
    }

    @Test
    void the_streaming_runners_call_the_sql_api_through_the_generated_routines() throws IOException {
        // the engine calls the streaming API; the processors on it call only what they add (registration)
        assertThat(constantPoolOf(INTERNAL + "ConsumerEngine.class")).contains(GENERATED + "Routines");
        for (String name : List.of("ConsumerEngine", "Workers", "StreamRunner", "HttpDeliveryRunner")) {
            String runner = constantPoolOf(INTERNAL + name + ".class");
            // no SQL text of the streaming API in the runner: a renamed function must break compilation
            for (String function : List.of(
                    "stream_event_batches",
                    "ack_event",
                    "nack_event",
                    "park_partition",
                    "release_partition",
                    "parked_partitions",
                    "view_lag",
                    "reset_view",
                    "register_view")) {
                assertThat(runner).as(name + ": " + function).doesNotContain(function + "(");
            }
        }
    }

    @Test
    void no_public_signature_of_the_api_exposes_jooq_or_internal_types() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (String file : classFiles()) {
            if (file.startsWith(INTERNAL) || file.indexOf('/', "io/fmodel/postgres/".length()) >= 0) {
                continue; // only the API package itself
            }
            Class<?> type = Class.forName(
                    file.substring(0, file.length() - ".class".length()).replace('/', '.'),
                    false,
                    getClass().getClassLoader());
            if (!isExported(type)) {
                continue;
            }
            List<Type> mentioned = new ArrayList<>();
            if (type.getGenericSuperclass() != null) {
                mentioned.add(type.getGenericSuperclass());
            }
            mentioned.addAll(Arrays.asList(type.getGenericInterfaces()));
            for (Method method : type.getDeclaredMethods()) {
                if (isExported(method.getModifiers()) && !method.isSynthetic()) {
                    mentioned.addAll(Arrays.asList(method.getGenericParameterTypes()));
                    mentioned.add(method.getGenericReturnType());
                    mentioned.addAll(Arrays.asList(method.getGenericExceptionTypes()));
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (isExported(constructor.getModifiers()) && !constructor.isSynthetic()) {
                    mentioned.addAll(Arrays.asList(constructor.getGenericParameterTypes()));
                    mentioned.addAll(Arrays.asList(constructor.getGenericExceptionTypes()));
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (isExported(field.getModifiers()) && !field.isSynthetic()) {
                    mentioned.add(field.getGenericType());
                }
            }
            for (Type t : mentioned) {
                String name = t.getTypeName();
                if (name.contains("org.jooq") || name.contains("io.fmodel.postgres.internal")) {
                    leaks.add(type.getName() + ": " + name);
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static boolean isExported(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers())) {
                return false;
            }
        }
        return !type.isAnonymousClass() && !type.isLocalClass() && !type.isSynthetic();
    }

    private static boolean isExported(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** {@return every compiled main class, as a path relative to target/classes with '/' separators} */
    private static List<String> classFiles() throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES)) {
            // module-info.class names the generated packages to open them to jOOQ (ModuleBoundariesTest)
            return files.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class"))
                    .map(p -> CLASSES.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
    }

    /** {@return the class file's bytes as text: its constant pool names every class it refers to} */
    private static String constantPoolOf(String classFile) throws IOException {
        return new String(Files.readAllBytes(CLASSES.resolve(classFile)), StandardCharsets.ISO_8859_1);
    }
}
