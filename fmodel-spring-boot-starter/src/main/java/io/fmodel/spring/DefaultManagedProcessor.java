package io.fmodel.spring;

import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.StreamProcessor;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;

/** {@link ManagedProcessor}: reaches the store and the properties through the bean factory when it starts. */
final class DefaultManagedProcessor implements ManagedProcessor, BeanFactoryAware {
    private final String view;
    private final Starter starter;
    private @Nullable BeanFactory beanFactory;
    private volatile @Nullable StreamProcessor running;

    DefaultManagedProcessor(String view, Starter starter) {
        if (view.isBlank()) throw new IllegalArgumentException("view must not be blank");
        this.view = view;
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public String view() {
        return view;
    }

    @Override
    public Optional<StreamProcessor> processor() {
        return Optional.ofNullable(running);
    }

    @Override
    public synchronized void start() {
        if (running != null) return;
        BeanFactory factory = Objects.requireNonNull(beanFactory, "not a bean of a context");
        PostgresEventStore store = factory.getBean(PostgresEventStore.class);
        FmodelProperties properties =
                factory.getBeanProvider(FmodelProperties.class).getIfAvailable(FmodelAutoConfiguration::defaults);
        StreamProcessor processor = starter.start(store, properties.processors().optionsOf(view));
        if (!processor.view().equals(view)) {
            processor.close();
            throw new IllegalStateException(
                    "the processor declared for view " + view + " runs view " + processor.view());
        }
        running = processor;
    }

    @Override
    public synchronized void stop() {
        StreamProcessor processor = running;
        running = null;
        if (processor != null) processor.close();
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    @Override
    public boolean isAutoStartup() {
        if (beanFactory == null) return true;
        return beanFactory
                .getBeanProvider(FmodelProperties.class)
                .getIfAvailable(FmodelAutoConfiguration::defaults)
                .processors()
                .autoStartup();
    }

    @Override
    public String toString() {
        return "ManagedProcessor[" + view + (running != null ? ", running]" : "]");
    }
}
