package io.fmodel.core.application;

/**
 * Thrown by an {@link OrchestratingAggregate} when its saga keeps emitting commands beyond the depth bound, most
 * likely an endless loop between the decider and the saga.
 *
 * <p>The steps before the bound were appended; the commands at the bound were not decided.
 *
 * {@snippet :
 * assertThatThrownBy(() -> pingPong.handle(new Ping()))
 *         .isInstanceOf(OrchestrationTooDeepException.class);
 * }
 */
public final class OrchestrationTooDeepException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // commands are domain records; serializing this exception is not supported
    private final Object command;

    private final int maxDepth;

    /**
     * @param command the command that started the cascade
     * @param maxDepth the bound that was reached
     * @param pending a command that was left undecided at the bound
     */
    public OrchestrationTooDeepException(Object command, int maxDepth, Object pending) {
        super("the saga reaction to " + command + " is deeper than " + maxDepth + " steps; left undecided: " + pending);
        this.command = command;
        this.maxDepth = maxDepth;
    }

    /** {@return the command that started the cascade} */
    public Object command() {
        return command;
    }

    /** {@return the depth bound that was reached} */
    public int maxDepth() {
        return maxDepth;
    }
}
