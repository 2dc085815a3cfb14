package io.fmodel.spring;

import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import java.util.List;
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
        for (ProcessorListener l : listeners) {
            try {
                l.processed(view, partition, events);
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed", l, e);
            }
        }
    }

    @Override
    public void failed(String view, Partition partition, int attempt, Throwable error) {
        for (ProcessorListener l : listeners) {
            try {
                l.failed(view, partition, attempt, error);
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed", l, e);
            }
        }
    }

    @Override
    public void parked(String view, Partition partition, int attempts, Throwable error) {
        for (ProcessorListener l : listeners) {
            try {
                l.parked(view, partition, attempts, error);
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed", l, e);
            }
        }
    }
}
