package io.fmodel.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SagaTest {

    record OrderPlaced(String orderId) {}

    record PaymentReceived(String orderId) {}

    record Ship(String orderId) {}

    record Bill(String orderId) {}

    record Thank(String orderId) {}

    static final Saga<OrderPlaced, Object> BILLING = Saga.of(p -> List.of(new Bill(p.orderId())));
    static final Saga<OrderPlaced, Object> THANKS = Saga.of(p -> List.of(new Thank(p.orderId())));
    static final Saga<PaymentReceived, Object> SHIPPING = Saga.of(p -> List.of(new Ship(p.orderId())));

    @Test
    void a_saga_reacts_with_actions() {
        assertThat(BILLING.react(new OrderPlaced("o1"))).containsExactly(new Bill("o1"));
    }

    @Test
    void mapping_the_action_result_translates_it_before_reacting() {
        Saga<String, Object> byId = BILLING.mapActionResult(OrderPlaced::new);
        assertThat(byId.react("o2")).containsExactly(new Bill("o2"));
    }

    @Test
    void mapping_the_action_maps_every_action() {
        Saga<OrderPlaced, String> names = BILLING.mapAction(Object::toString);
        assertThat(names.react(new OrderPlaced("o3"))).containsExactly("Bill[orderId=o3]");
    }

    @Test
    void a_combined_saga_reacts_with_the_side_whose_type_matches() {
        RoutedSaga<Object, Object> both =
                Saga.combine(BILLING.routed(OrderPlaced.class), SHIPPING.routed(PaymentReceived.class));
        assertThat(both.react(new OrderPlaced("o1"))).containsExactly(new Bill("o1"));
        assertThat(both.react(new PaymentReceived("o1"))).containsExactly(new Ship("o1"));
        assertThat(both.react("unrelated")).isEmpty();
    }

    @Test
    void a_combined_saga_concatenates_reactions_when_both_sides_match() {
        RoutedSaga<Object, Object> both =
                Saga.combine(BILLING.routed(OrderPlaced.class), THANKS.routed(OrderPlaced.class));
        assertThat(both.react(new OrderPlaced("o1"))).containsExactly(new Bill("o1"), new Thank("o1"));
    }

    @Test
    void combined_sagas_chain() {
        RoutedSaga<Object, Object> three = Saga.combine(
                Saga.combine(BILLING.routed(OrderPlaced.class), SHIPPING.routed(PaymentReceived.class)),
                THANKS.routed(OrderPlaced.class));
        assertThat(three.react(new OrderPlaced("o1"))).containsExactly(new Bill("o1"), new Thank("o1"));
        assertThat(three.react(new PaymentReceived("o1"))).containsExactly(new Ship("o1"));
    }
}
