package io.fmodel.spring;

import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.StreamProcessor;
import io.fmodel.postgres.StreamingOptions;
import java.util.Optional;
import org.springframework.context.SmartLifecycle;

/**
 * A processor (view, saga, push) declared as a bean and run by the context: it starts once the context has started
 * (every singleton created, the schema installed) and stops gracefully when the context closes, before the data
 * source is closed: {@link StreamProcessor#close()} finishes the partition in hand, gives the others back and joins
 * the threads, so no lease is left held. Start and stop do I/O; {@link #of} does none.
 * <p>The processor is started with the application's {@link PostgresEventStore} and the options of its view
 * ({@code fmodel.processors.defaults.*}, then {@code fmodel.processors.views.<view>.*}, over
 * {@link StreamingOptions#defaults()}). The Actuator health indicator and endpoint list every managed processor.
 * {@snippet :
 * @Bean
 * ManagedProcessor trainingSummaries() {
 *     return ManagedProcessor.of("training-summaries", (store, options) -> store.startView("training-summaries",
 *             types, summaryView, store.jsonbViewStore("training_summaries", TrainingEvent::trainingId,
 *                     TrainingSummary.class), options));
 * }
 * }
 */
public interface ManagedProcessor extends SmartLifecycle {

    /** Starts the processor of a view: for example {@code store.startView(view, ..., options)}. */
    @FunctionalInterface
    interface Starter {
        /** {@return a started processor of the view, from {@code store}, run with {@code options}} */
        StreamProcessor start(PostgresEventStore store, StreamingOptions options);
    }

    /** {@return a processor of {@code view}, started by {@code starter} when the context starts; no I/O} */
    static ManagedProcessor of(String view, Starter starter) {
        return new DefaultManagedProcessor(view, starter);
    }

    /** {@return the view (consumer group) the processor runs} */
    String view();

    /** {@return the running processor, empty before the context started it and after it stopped} */
    Optional<StreamProcessor> processor();
}
