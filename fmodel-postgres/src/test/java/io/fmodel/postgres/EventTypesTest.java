package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.postgres.Counter.Closed;
import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Incremented;
import org.junit.jupiter.api.Test;

class EventTypesTest {

    @Test
    void a_sealed_interface_gives_every_permitted_record_under_its_simple_name_version_1() {
        var types = EventTypes.of("counter", CounterEvent.class);

        assertThat(types.decider()).isEqualTo("counter");
        assertThat(types.types())
                .containsExactly(
                        new EventTypes.Type("Closed", 1, Closed.class),
                        new EventTypes.Type("Incremented", 1, Incremented.class));
    }

    @Test
    void with_overrides_the_name_and_version_of_one_class() {
        var types = EventTypes.of("counter", CounterEvent.class).with(Incremented.class, "Added", 2);

        assertThat(types.typeOf(Incremented.class)).contains(new EventTypes.Type("Added", 2, Incremented.class));
        assertThat(types.typeOf("Added", 2)).map(EventTypes.Type::javaClass).contains(Incremented.class);
        assertThat(types.typeOf("Incremented", 1)).isEmpty();
    }

    @Test
    void an_upcaster_is_kept_by_its_stored_name_and_version_and_replaced_by_a_second_one() {
        Upcaster first = Upcaster.renameTo("Incremented", 1);
        Upcaster second = Upcaster.drop();
        var types = EventTypes.of("counter", CounterEvent.class)
                .upcasting("Added", 1, first)
                .upcasting("Added", 1, second);

        assertThat(types.upcasters()).containsExactly(new EventTypes.Upcasting("Added", 1, second));
        assertThat(types.upcasterOf("Added", 1))
                .map(EventTypes.Upcasting::upcaster)
                .contains(second);
        assertThat(types.upcasterOf("Added", 2)).isEmpty();
    }

    @Test
    void a_current_version_cannot_have_an_upcaster() {
        assertThatThrownBy(
                        () -> EventTypes.of("counter", CounterEvent.class).upcasting("Incremented", 1, Upcaster.drop()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("current version");
        assertThatThrownBy(() -> EventTypes.of("counter", CounterEvent.class)
                        .upcasting("Added", 2, Upcaster.drop())
                        .with(Incremented.class, "Added", 2))
                .as("a class registered later at an upcast version")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void an_upcaster_document_has_a_positive_version() {
        assertThatThrownBy(() -> new Upcaster.Document("A", 0, com.fasterxml.jackson.databind.node.NullNode.instance))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void two_classes_cannot_share_a_name_and_version() {
        assertThatThrownBy(() -> EventTypes.of("counter", CounterEvent.class).with(Closed.class, "Incremented", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Incremented");
    }

    @Test
    void versions_start_at_1() {
        assertThatThrownBy(() -> EventTypes.of("counter", CounterEvent.class).with(Closed.class, "Closed", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
