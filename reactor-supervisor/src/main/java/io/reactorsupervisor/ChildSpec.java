package io.reactorsupervisor;

/**
 * What a supervisor can hold as a child: a {@link ComponentSpec} or a nested
 * {@link SupervisorSpec}. Both carry how the child is restarted.
 */
public sealed interface ChildSpec permits ComponentSpec, SupervisorSpec {

    /** @return the child's name, unique among its siblings */
    String name();

    /** @return when the child is restarted */
    RestartPolicy restartPolicy();

    /** @return how long to wait before each restart */
    RestartStrategy restartStrategy();

    /** @return how many restarts the child may have within a window before it gives up */
    RestartLimit restartLimit();
}
