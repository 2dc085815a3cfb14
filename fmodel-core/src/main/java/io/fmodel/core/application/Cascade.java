package io.fmodel.core.application;

import io.fmodel.core.Saga;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** Handles a command, then, level by level, the commands the saga reacts with, each on its own stream. */
record Cascade<C, S, E>(FetchDecideAppend<C, S, E, ?> step, Saga<? super E, ? extends C> saga, int maxDepth)
        implements OrchestratingAggregate<C, S, E> {

    Cascade {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(saga, "saga");
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must not be negative, was " + maxDepth);
        }
    }

    private record Pending<C>(C command, UUID commandId) {}

    @Override
    public List<E> handle(C command, UUID commandId) {
        List<E> all = new ArrayList<>();
        List<Pending<C>> level = List.of(new Pending<>(command, commandId));
        for (int depth = 0; !level.isEmpty(); depth++) {
            if (depth > maxDepth) {
                throw new OrchestrationTooDeepException(
                        command, maxDepth, level.getFirst().command());
            }
            List<Pending<C>> next = new ArrayList<>();
            for (Pending<C> pending : level) {
                List<E> events = step.handle(pending.command(), pending.commandId());
                all.addAll(events);
                int index = 0;
                for (E event : events) {
                    for (C reaction : saga.react(event)) {
                        next.add(new Pending<>(reaction, derivedId(pending.commandId(), index++)));
                    }
                }
            }
            level = next;
        }
        return List.copyOf(all);
    }

    /** The same cause always gives the same id, which makes a replayed cascade idempotent step by step. */
    private static UUID derivedId(UUID parent, int index) {
        return UUID.nameUUIDFromBytes((parent + "/" + index).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public OrchestratingAggregate<C, S, E> withRetry(RetryPolicy policy) {
        return new Cascade<>(step.withRetry(policy), saga, maxDepth);
    }

    @Override
    public OrchestratingAggregate<C, S, E> withRecovery(RetryPolicy recovery) {
        return new Cascade<>(step.withRecovery(recovery), saga, maxDepth);
    }

    @Override
    public OrchestratingAggregate<C, S, E> withMaxDepth(int maxDepth) {
        return new Cascade<>(step, saga, maxDepth);
    }
}
