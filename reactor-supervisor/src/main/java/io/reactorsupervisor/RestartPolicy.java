package io.reactorsupervisor;

/**
 * When a supervisor restarts a child that ended, as in Erlang/OTP's child specification
 * ({@code restart => permanent | transient | temporary}).
 */
public enum RestartPolicy {
    /** Always restarted: after a crash and after a normal exit. The default. */
    PERMANENT,
    /** Restarted after a crash only; a normal exit ({@link NormalExit}) stops it. */
    TRANSIENT,
    /**
     * Never restarted. A crash leaves it {@link ComponentState#FAILED}, a normal exit
     * {@link ComponentState#STOPPED}; when a sibling's crash takes it down under
     * {@link SupervisionStrategy#ONE_FOR_ALL} or {@link SupervisionStrategy#REST_FOR_ONE}
     * it is removed from its supervisor.
     */
    TEMPORARY
}
