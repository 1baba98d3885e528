package io.reactorsupervisor;

import java.util.Map;

/**
 * A live, read-only view of a component's counters and gauges, for metrics: each call reads
 * the value now, without a snapshot of the tree and without touching the component's hot path
 * (the Micrometer module's binder reads these). Counters count from the component's start and
 * survive its restarts. Get one with {@link ComponentRef#stats()}.
 */
public interface ComponentStats {

    /** @return the component's path */
    String path();

    /** @return its lifecycle state now */
    ComponentState state();

    /** @return how many messages wait in its mailbox */
    int mailboxDepth();

    /** @return its mailbox's capacity ({@link Integer#MAX_VALUE} when unbounded) */
    int mailboxCapacity();

    /** @return how many messages its handler has handled (replied to, or completed) */
    long handled();

    /** @return how many times it failed: a handler's failure (whatever its directive), a state factory or {@code close()} that threw, a failed health check */
    long crashes();

    /** @return how many times it was restarted */
    long restarts();

    /**
     * @return how many restarts its {@link RestartLimit}'s window holds now, of
     *     {@link RestartLimit#maxRestarts()}; 0 for an unlimited limit
     */
    int restartsInWindow();

    /** @return how many of the messages sent to it became dead letters, whatever the reason */
    long deadLetters();

    /**
     * @param reason a reason
     * @return how many of the messages sent to it became dead letters for that reason
     */
    long deadLetters(DeadLetterReason reason);

    /** @return the state of each circuit breaker that guards calls to it, by name */
    Map<String, String> circuitBreakers();
}
