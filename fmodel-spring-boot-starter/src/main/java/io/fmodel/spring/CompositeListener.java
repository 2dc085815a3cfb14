package io.fmodel.spring;

import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every listener in turn; one that throws is logged and does not keep the next from being called. */
record CompositeListener(List<ProcessorListener> listeners) implements ProcessorListener {
    private static final Logger LOG = LoggerFactory.getLogger(CompositeListener.class);

    CompositeListener {
        listeners = List.copyOf(listeners);
    }

    @Override
    public void processed(String view, Partition partition, int events) {
        each(l -> l.processed(view, partition, events));
    }

    @Override
    public void failed(String view, Partition partition, int attempt, Throwable error) {
        each(l -> l.failed(view, partition, attempt, error));
    }

    @Override
    public void parked(String view, Partition partition, int attempts, Throwable error) {
        each(l -> l.parked(view, partition, attempts, error));
    }

    @Override
    public void responded(String view, Partition partition, int status) {
        each(l -> l.responded(view, partition, status));
    }

    @Override
    public boolean readsTraceContext() {
        return listeners.stream().anyMatch(ProcessorListener::readsTraceContext);
    }

    /** Each listener's delivery, told in the reverse order of {@link #delivering} (a span opened last closes first). */
    @Override
    public Delivery delivering(Batch batch) {
        List<Delivery> deliveries = new ArrayList<>(listeners.size());
        each(l -> deliveries.addFirst(l.delivering(batch)));
        return (acknowledged, failure) -> {
            for (Delivery delivery : deliveries) {
                call(delivery, d -> d.ended(acknowledged, failure));
            }
        };
    }

    private void each(Consumer<ProcessorListener> call) {
        for (ProcessorListener l : listeners) {
            call(l, call);
        }
    }

    private static <T> void call(T listener, Consumer<T> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("listener {} failed", listener, e);
        }
    }
}
