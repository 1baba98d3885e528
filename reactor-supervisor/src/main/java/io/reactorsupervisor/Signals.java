package io.reactorsupervisor;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

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
     * follows. It is also the retry spec's before-retry hook for this crash: a {@code Mono} whose
     * one subscriber, the spec, waits for the verdict. The parent's drain completes it to restart
     * the child ({@link #restart}) or fails it with a {@link Signal} that ends the pipeline
     * ({@link #refuse}), once. One object instead of a deferred Mono and a sink: a crash is a hot
     * path.
     */
    static final class Crashed extends Mono<Void> implements Subscription {
        /** How long a crashed component's thread waits for a verdict decided on another thread: 10 us. */
        static final long VERDICT_WAIT_NANOS = 10_000;
        /** {@link #VERDICT_WAIT_NANOS}; tests change it (0: the verdict finds the drain let go; longer: it never does). */
        static volatile long verdictWaitNanos = VERDICT_WAIT_NANOS;
        private final Throwable cause;
        private final long attempt;
        private @Nullable ChildCell child; // set on subscription, then read by the parent's drain only
        private Directive directive = Directive.RESTART;
        private @Nullable CoreSubscriber<? super Void> hook;
        private @Nullable Thread crashedOn;
        private volatile boolean cancelled;
        /** The parent has decided (set after the verdict is visible to the component's drain). */
        private volatile boolean decided;

        Crashed(Throwable cause, long attempt) {
            this.cause = cause;
            this.attempt = attempt;
        }

        /** The spec subscribes: the child in its context asks its parent, or gives up if it is a root. */
        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            ChildCell c = actual.currentContext().get(ChildCell.class);
            c.incarnationStart = -1;
            SupervisorCell p = c.parent;
            if (p == null) {
                Operators.error(actual, new GiveUp(cause)); // a root has nobody to restart it
                return;
            }
            child = c;
            directive = c.takeDirective();
            hook = actual;
            crashedOn = Thread.currentThread();
            actual.onSubscribe(this);
            if (p.postQueued(this) && c instanceof ComponentCell && !Trampoline.runningHere()) {
                awaitVerdict();
            }
        }

        /**
         * Another thread holds the supervisor's drain and will decide this crash in a moment:
         * the crashed component's thread waits for it briefly, as a monitor spins before it
         * parks, so that the component goes on to its next incarnation on this very drain task
         * instead of ending it and needing another (a wake-up of its worker) once the verdict
         * comes. Past {@link #verdictWaitNanos} it stops waiting; the verdict then schedules the
         * drain. Not on a thread that runs supervisor drains itself: the one holding the drain
         * could be this thread, later.
         */
        private void awaitVerdict() {
            long wait = verdictWaitNanos;
            if (wait <= 0) {
                return;
            }
            long deadline = System.nanoTime() + wait;
            while (!decided && !cancelled && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        }

        ChildCell child() {
            return Objects.requireNonNull(child);
        }

        Throwable cause() {
            return cause;
        }

        /** How many restarts in a row came before this crash. */
        long attempt() {
            return attempt;
        }

        Directive directive() {
            return directive;
        }

        /**
         * The verdict: restart (after the strategy's delay). Decided on another thread than the
         * crash (that thread held the supervisor's drain), a component takes it on its own drain,
         * so that Reactor's resubscription runs on the component's thread, not in the
         * supervisor's drain, which would otherwise do the restarts of every thread in a storm;
         * that drain is usually still held by the crashed component's thread, waiting for this
         * verdict (see {@link #awaitVerdict}).
         */
        void restart() {
            ChildCell c = child;
            if (c instanceof ComponentCell && Thread.currentThread() != crashedOn) {
                ((ComponentCell) c).restartGranted(this);
                decided = true;
            } else {
                proceed();
            }
        }

        /** Completes the hook: the retry spec goes on to the next incarnation. */
        void proceed() {
            CoreSubscriber<? super Void> h = hook;
            if (h != null && !cancelled) {
                hook = null;
                h.onComplete();
            }
        }

        /** The verdict: no restart; {@code verdict} ends the child's pipeline. */
        void refuse(Signal verdict) {
            CoreSubscriber<? super Void> h = hook;
            if (h != null && !cancelled) {
                hook = null;
                h.onError(verdict);
            }
            decided = true;
        }

        @Override
        public void request(long n) {
            // the verdict comes when the parent decides, requested or not: a Mono<Void> emits no value
        }

        @Override
        public void cancel() {
            cancelled = true; // the pipeline was cancelled meanwhile: the verdict goes nowhere
        }
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
