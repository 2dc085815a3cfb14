package io.fmodel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.fmodel.core.SagaTest.OrderPlaced;
import io.fmodel.core.SagaTest.PaymentReceived;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class SagaProperties {

    static final Gen<Object> RESULTS = Generate.oneOf(
            integers().between(0, 20).map(n -> (Object) new OrderPlaced("o" + n)),
            integers().between(0, 20).map(n -> (Object) new PaymentReceived("o" + n)),
            integers().between(0, 20).map(n -> (Object) ("noise" + n)));

    @Test
    void mapping_the_action_result_with_identity_changes_nothing() {
        Saga<OrderPlaced, Object> mapped = SagaTest.BILLING.mapActionResult(Function.identity());
        qt().forAll(integers().between(0, 100)).checkAssert(n -> assertThat(mapped.react(new OrderPlaced("o" + n)))
                .isEqualTo(SagaTest.BILLING.react(new OrderPlaced("o" + n))));
    }

    @Test
    void mapping_the_action_with_identity_changes_nothing() {
        Saga<OrderPlaced, Object> mapped = SagaTest.BILLING.mapAction(Function.identity());
        qt().forAll(integers().between(0, 100)).checkAssert(n -> assertThat(mapped.react(new OrderPlaced("o" + n)))
                .isEqualTo(SagaTest.BILLING.react(new OrderPlaced("o" + n))));
    }

    @Test
    void combining_concatenates_the_reactions_of_the_matching_sides() {
        RoutedSaga<Object, Object> both = Saga.combine(
                SagaTest.BILLING.routed(OrderPlaced.class), SagaTest.SHIPPING.routed(PaymentReceived.class));
        qt().forAll(RESULTS).checkAssert(result -> {
            List<Object> expected =
                    switch (result) {
                        case OrderPlaced p -> SagaTest.BILLING.react(p);
                        case PaymentReceived p -> SagaTest.SHIPPING.react(p);
                        default -> List.of();
                    };
            assertThat(both.react(result)).isEqualTo(expected);
        });
    }
}
