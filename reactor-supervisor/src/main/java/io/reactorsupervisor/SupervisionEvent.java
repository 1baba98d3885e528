package io.reactorsupervisor;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What happened in a supervision tree, published on {@link Supervisor#events()}. Every
 * event names the {@link #path() path} of the child it is about ({@code "root/api/billing"})
 * and when it happened, on the clock of the scheduler that runs restart delays (virtual in
 * tests that use virtual time).
 */
public sealed interface SupervisionEvent {

    /** @return the path of the child (component or supervisor) in its tree */
    String path();

    /** @return when it happened */
    Instant timestamp();

    /**
     * A child's first incarnation started.
     *
     * @param path the child's path
     * @param timestamp when
     */
    record Started(String path, Instant timestamp) implements SupervisionEvent {
    }

    /**
     * A component failed: its handler threw, returned an error or passed its processing
     * timeout, its state factory or {@code close()} threw, or its health check failed. The
     * directive says what followed: {@link Directive#RESTART} (the incarnation ended and its
     * supervisor decides on a restart), {@link Directive#RESUME} (the message was rejected and
     * the incarnation carries on), {@link Directive#STOP} or {@link Directive#ESCALATE}.
     *
     * @param path the child's path
     * @param timestamp when
     * @param cause the failure
     * @param message the message being handled, or null when none was (a health check)
     * @param directive what the failure does
     */
    record Crashed(String path, Instant timestamp, Throwable cause, @Nullable Object message, Directive directive)
            implements SupervisionEvent {
    }

    /**
     * A child was taken out of its tree: by {@code removeChild} (at once, so that nothing can
     * restart it into the tree: a running child's {@link Stopped} follows), or, once it has
     * ended, as a {@link RestartPolicy#TEMPORARY} child, as a child started at runtime that its
     * supervisor's restart dropped (as in OTP, a restarted supervisor starts its declared
     * children only), or as a {@code startChild} whose first incarnation could not start. Its
     * name can be used again; its ref refuses messages.
     *
     * @param path the child's path
     * @param timestamp when
     */
    record Removed(String path, Instant timestamp) implements SupervisionEvent {
    }

    /**
     * A child will be restarted after {@code delay}.
     *
     * @param path the child's path
     * @param timestamp when
     * @param attempt the restart's number in a row, from 1; the backoff sequence follows it
     * @param delay the nominal wait before the next incarnation starts, without jitter: a
     *     strategy with jitter ({@link RestartStrategy#withJitter}) waits a random time around
     *     it, drawn by Reactor's retry spec when the wait begins
     * @param cause why the last incarnation ended
     */
    record Restarting(String path, Instant timestamp, long attempt, Duration delay, Throwable cause)
            implements SupervisionEvent {

        /** As the record's, with the delay as people write it ({@code 1.5 s}, not {@code PT1.5S}). */
        @Override
        public String toString() {
            return "Restarting[path=" + path + ", timestamp=" + timestamp + ", attempt=" + attempt + ", delay="
                    + Durations.human(delay) + ", cause=" + cause + "]";
        }
    }

    /**
     * A new incarnation started after a restart.
     *
     * @param path the child's path
     * @param timestamp when
     * @param restarts how many restarts this child has had in all
     */
    record Restarted(String path, Instant timestamp, long restarts) implements SupervisionEvent {
    }

    /**
     * A child stopped for good: normal exit without restart, shutdown, or removal.
     *
     * @param path the child's path
     * @param timestamp when
     * @param reason why, in words
     */
    record Stopped(String path, Instant timestamp, String reason) implements SupervisionEvent {
    }

    /**
     * A child gave up: its restart limit was reached, its supervisor's intensity was
     * exceeded, or its policy forbids a restart after a crash.
     *
     * @param path the child's path
     * @param timestamp when
     * @param cause why, for example a {@link RestartLimitExceededException}
     */
    record Failed(String path, Instant timestamp, Throwable cause) implements SupervisionEvent {
    }

    /**
     * A supervisor gave up and passed the failure to its parent (or, at the root, the
     * tree terminated).
     *
     * @param path the supervisor's path
     * @param timestamp when
     * @param cause the failure it escalates
     */
    record Escalated(String path, Instant timestamp, Throwable cause) implements SupervisionEvent {
    }

    /**
     * A liveness probe failed.
     *
     * @param path the component's path
     * @param timestamp when
     * @param consecutiveFailures failures in a row so far, including this one
     * @param reason why, in words (timed out, probe answered false, probe failed)
     */
    record HealthCheckFailed(String path, Instant timestamp, int consecutiveFailures, String reason)
            implements SupervisionEvent {
    }

    /**
     * A message that will not be handled.
     *
     * @param path the component's path
     * @param timestamp when
     * @param message the message
     * @param reason why it will not be handled
     * @param cause the failure behind it, if any
     */
    record DeadLetter(String path, Instant timestamp, Object message, DeadLetterReason reason,
            @Nullable Throwable cause) implements SupervisionEvent {
    }

    /**
     * A circuit breaker that guards calls to a component changed state.
     *
     * @param path the guarded component's path
     * @param timestamp when
     * @param breaker the breaker's name
     * @param fromState the state it left (for example {@code CLOSED})
     * @param toState the state it entered (for example {@code OPEN})
     */
    record CircuitStateChanged(String path, Instant timestamp, String breaker, String fromState, String toState)
            implements SupervisionEvent {
    }
    /**
     * A persistent component's incarnation started from a checkpoint instead of a fresh state
     * (see {@link Persistence}).
     *
     * @param path the component's path
     * @param timestamp when
     * @param key the checkpoint's key in its store
     * @param version the checkpoint's version
     */
    record StateRestored(String path, Instant timestamp, String key, long version) implements SupervisionEvent {
    }

    /**
     * A checkpoint crashed the component too many times in a row
     * ({@link Persistence#discardAfter(int)}): it is deleted from its store and the next
     * incarnation starts fresh.
     *
     * @param path the component's path
     * @param timestamp when
     * @param key the checkpoint's key in its store
     * @param version the discarded checkpoint's version
     * @param crashes the crashes in a row on it
     */
    record StateDiscarded(String path, Instant timestamp, String key, long version, int crashes)
            implements SupervisionEvent {
    }

    /**
     * A checkpoint could not be taken: its store's save failed, or the codec's {@code encode}
     * threw. The component keeps running; the next checkpoint replaces this one.
     *
     * @param path the component's path
     * @param timestamp when
     * @param key the checkpoint's key in its store
     * @param version the version it would have had
     * @param cause the failure
     */
    record CheckpointFailed(String path, Instant timestamp, String key, long version, Throwable cause)
            implements SupervisionEvent {
    }
}
