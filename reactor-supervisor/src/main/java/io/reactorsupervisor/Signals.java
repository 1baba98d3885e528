package io.reactorsupervisor;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Sinks;

/**
 * What travels between a child and its supervisor: the supervisor's verdicts, which travel as
 * errors through the child's {@code retryWhen} pipeline and end it (they carry no stack
 * trace: they are decisions, not failures), and the lifecycle signals a supervisor drains
 * from its queue one at a time.
 */
final class Signals {

    private Signals() {
    }

    /** Base of the verdicts that end a child's pipeline; the retry spec never retries them. */
    abstract static class Signal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Signal(String message, @Nullable Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** The failure a verdict carries (a give-up's, a failed start's), or {@code t} itself. */
    static Throwable unwrap(Throwable t) {
        return t instanceof Signal && t.getCause() != null ? t.getCause() : t;
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

    /** The incarnation was ended by its supervisor, which starts the child again itself (a group restart). */
    static final class Terminated extends Signal {
        private static final long serialVersionUID = 1L;

        Terminated(String why) {
            super(why, null);
        }
    }

    /** A start the supervisor ordered failed: the child ends, FAILED, and whoever ordered the start learns why. */
    static final class StartFailed extends Signal {
        private static final long serialVersionUID = 1L;

        StartFailed(Throwable cause) {
            super("start failed", cause);
        }
    }

    // ------------------------------------------------------------------ a supervisor's queue

    /**
     * An incarnation of {@code child} ended with {@code cause}, and its {@code directive} says what
     * follows; {@code verdict} completes to restart it.
     */
    record Crashed(ChildCell child, Throwable cause, long attempt, Directive directive, Sinks.Empty<Void> verdict) {
    }

    /** The child's restart delay has elapsed; it waits at its gate for its turn in a group restart. */
    record DelayElapsed(ChildCell child) {
    }

    /** An incarnation of {@code child} has started (a supervisor: with its declared children). */
    record Started(ChildCell child) {
    }

    /** The pipeline of {@code child} has ended, with null (stopped), a {@link Signal} or a failure. */
    record Ended(ChildCell child, @Nullable Throwable cause) {
    }
}
