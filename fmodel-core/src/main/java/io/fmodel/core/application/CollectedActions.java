package io.fmodel.core.application;

import java.util.ArrayList;
import java.util.List;

final class CollectedActions<A> implements CollectingActionPublisher<A> {

    private final List<A> actions = new ArrayList<>();

    @Override
    public synchronized void publish(List<? extends A> published) {
        actions.addAll(published);
    }

    @Override
    public synchronized List<A> published() {
        return List.copyOf(actions);
    }
}
