package io.reactorsupervisor;

import java.time.Duration;

/**
 * One child of a supervision tree at the moment of a {@link Supervisor#snapshot() snapshot}:
 * a {@link ComponentSnapshot}, a {@link SupervisorSnapshot} or, for a set of keyed components
 * counted in aggregate, an {@link EntitiesSnapshot}, as Erlang/OTP's
 * {@code which_children}.
 */
public sealed interface ChildSnapshot permits ComponentSnapshot, SupervisorSnapshot, EntitiesSnapshot {

    /** @return the child's name */
    String name();

    /** @return the child's path in its tree */
    String path();

    /** @return {@code "component"}, {@code "supervisor"} or {@code "entities"} */
    String kind();

    /** @return its lifecycle state */
    ComponentState state();

    /** @return how many times it was restarted in all */
    long restarts();

    /** @return how long its current incarnation has run, zero when none runs */
    Duration uptime();
}
