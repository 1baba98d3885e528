package io.reactorsupervisor;

import java.time.Duration;

/**
 * One child of a supervision tree at the moment of a {@link Supervisor#snapshot() snapshot}:
 * a {@link ComponentSnapshot} or a {@link SupervisorSnapshot}, as Erlang/OTP's
 * {@code which_children}.
 */
public sealed interface ChildSnapshot permits ComponentSnapshot, SupervisorSnapshot {

    /** @return the child's name */
    String name();

    /** @return the child's path in its tree */
    String path();

    /** @return {@code "component"} or {@code "supervisor"} */
    String kind();

    /** @return its lifecycle state */
    ComponentState state();

    /** @return how many times it was restarted in all */
    long restarts();

    /** @return how long its current incarnation has run, zero when none runs */
    Duration uptime();
}
