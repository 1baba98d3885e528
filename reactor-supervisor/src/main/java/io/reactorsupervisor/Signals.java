package io.reactorsupervisor;

/**
 * Internal signals that travel as errors through a child's {@code retryWhen} pipeline. They
 * carry no stack trace: they are decisions, not failures.
 */
final class Signals {

    private Signals() {
    }

    /** Base of the internal signals. */
    abstract static class Signal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Signal(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** The child gives up: its pipeline ends and it becomes FAILED with this cause. */
    static final class GiveUp extends Signal {
        private static final long serialVersionUID = 1L;

        GiveUp(Throwable cause) {
            super("give up", cause);
        }
    }

    /** The child stops for good, without failure: its pipeline ends and it becomes STOPPED. */
    static final class Stop extends Signal {
        private static final long serialVersionUID = 1L;
        final String reason;

        Stop(String reason) {
            super(reason, null);
            this.reason = reason;
        }
    }

    /** The incarnation was ended by its supervisor (a sibling's crash, or its subtree's restart). */
    static final class Terminated extends Signal {
        private static final long serialVersionUID = 1L;

        Terminated(String why) {
            super(why, null);
        }
    }
}
