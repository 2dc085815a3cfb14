package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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

class PublicApiTest {

    private static final List<Class<?>> PUBLIC_TYPES = List.of(
            PostgresEventRepository.class,
            PostgresSnapshotRepository.class,
            EventTypes.class,
            EventTypes.Type.class,
            SchemaInstaller.class,
            SchemaLayout.class,
            SchemaLayoutException.class,
            EmbeddedStore.class,
            EventStoreException.class,
            UnregisteredEventTypeException.class,
            UnknownPreviousEventException.class,
            FinalStreamException.class,
            DuplicateEventException.class,
            MissingValueException.class,
            AppendOnlyViolationException.class,
            EventEncodingException.class,
            EventDecodingException.class,
            NoUpcastPathException.class,
            Upcaster.class,
            Upcaster.Document.class,
            EventTypes.Upcasting.class,
            Metadata.class,
            Metadata.Scope.class,
            RecordedEvent.class,
            EventStoreAccessException.class,
            EventStoreTimeoutException.class,
            InvalidValueException.class,
            StreamProcessor.class,
            ViewProcessor.class,
            SagaProcessor.class,
            TransactionalViewStore.class,
            ViewStates.class,
            ViewStates.State.class,
            CommandSender.class,
            StreamingOptions.class,
            ProcessorListener.class,
            Partition.class,
            ParkedPartition.class,
            HttpDeliveryProcessor.class,
            HttpDeliveryOptions.class,
            HttpDeliveryException.class,
            WebhookSignature.class);

    @Test
    void no_public_signature_mentions_generated_jooq_types_or_internal_helpers() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : PUBLIC_TYPES) {
            for (Method method : type.getMethods()) {
                List<Type> mentioned = new ArrayList<>(Arrays.asList(method.getGenericParameterTypes()));
                mentioned.add(method.getGenericReturnType());
                mentioned.addAll(Arrays.asList(method.getGenericExceptionTypes()));
                for (Type t : mentioned) {
                    if (t.getTypeName().contains(".internal.")
                            || t.getTypeName().startsWith("org.jooq")) {
                        leaks.add(type.getSimpleName() + "." + method.getName() + ": " + t.getTypeName());
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void only_the_internal_package_reaches_jooq() throws IOException {
        Path publicPackage = Path.of("target", "classes", "io", "fmodel", "postgres");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> classes = Files.list(publicPackage)) {
            for (Path c : classes.filter(p -> p.toString().endsWith(".class")).toList()) {
                if (new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1).contains("org/jooq/")) {
                    offenders.add(c.getFileName().toString());
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void the_exception_hierarchy_is_sealed_so_callers_can_switch_on_it() {
        assertThat(EventStoreException.class.isSealed()).isTrue();
        // every permitted subclass is final, or sealed with final subclasses (EventDecodingException, whose
        // NoUpcastPathException callers may catch apart): a switch over the leaves is exhaustive
        assertThat(EventStoreException.class.getPermittedSubclasses()).allSatisfy(c -> {
            if (c.isSealed()) {
                assertThat(c.getPermittedSubclasses())
                        .allSatisfy(sub ->
                                assertThat(Modifier.isFinal(sub.getModifiers())).isTrue());
            } else {
                assertThat(Modifier.isFinal(c.getModifiers())).isTrue();
            }
        });
    }
}
