package io.reactorsupervisor;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A component at the moment of a snapshot.
 *
 * @param name the component's name
 * @param path its path in its tree
 * @param state its lifecycle state
 * @param restarts how many times it was restarted in all
 * @param uptime how long its current incarnation has run, zero when none runs
 * @param mailboxDepth how many messages wait in its mailbox
 * @param handled how many messages it has handled in all
 * @param deadLetters how many messages sent to it became dead letters in all
 * @param circuitBreakers the state of each circuit breaker that guards calls to it, by name
 * @param ready whether it takes traffic well now: {@link ComponentState#RUNNING} with its
 *     mailbox at or below its {@linkplain ComponentSpec#readinessThreshold() readiness threshold}
 * @param lastDirective the directive applied to its latest failure, or null if it never failed
 */
public record ComponentSnapshot(String name, String path, ComponentState state, long restarts, Duration uptime,
        int mailboxDepth, long handled, long deadLetters, Map<String, String> circuitBreakers, boolean ready,
        @Nullable Directive lastDirective)
        implements ChildSnapshot {

    /**
     * Copies the breaker map, so that a snapshot never changes.
     *
     * @param name the component's name
     * @param path its path in its tree
     * @param state its lifecycle state
     * @param restarts how many times it was restarted in all
     * @param uptime how long its current incarnation has run, zero when none runs
     * @param mailboxDepth how many messages wait in its mailbox
     * @param handled how many messages it has handled in all
     * @param deadLetters how many messages sent to it became dead letters in all
     * @param circuitBreakers the state of each circuit breaker that guards calls to it, by name
     * @param ready whether it takes traffic well now: {@link ComponentState#RUNNING} with its
     *     mailbox at or below its {@linkplain ComponentSpec#readinessThreshold() readiness threshold}
     * @param lastDirective the directive applied to its latest failure, or null if it never failed
     */
    public ComponentSnapshot {
        circuitBreakers = Map.copyOf(circuitBreakers);
    }

    @Override
    public String kind() {
        return "component";
    }
}
