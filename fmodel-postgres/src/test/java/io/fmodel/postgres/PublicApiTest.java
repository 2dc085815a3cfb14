package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublicApiTest {

    private static final List<Class<?>> PUBLIC_TYPES = List.of(
            PostgresEventRepository.class,
            EventTypes.class,
            EventTypes.Type.class,
            SchemaInstaller.class,
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
            EventStoreAccessException.class);

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
    void the_exception_hierarchy_is_sealed_so_callers_can_switch_on_it() {
        assertThat(EventStoreException.class.isSealed()).isTrue();
        assertThat(EventStoreException.class.getPermittedSubclasses())
                .allSatisfy(c -> assertThat(Modifier.isFinal(c.getModifiers())).isTrue());
    }
}
