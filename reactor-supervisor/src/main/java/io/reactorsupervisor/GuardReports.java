package io.reactorsupervisor;

import java.util.Objects;

/**
 * Where integrations that guard the calls to a component (a circuit breaker, a bulkhead)
 * report what they see, so that it shows in the tree: each change of a guard's state is
 * published as a {@link SupervisionEvent.CircuitStateChanged} event and the guard's latest
 * state appears beside the component in its {@link ComponentSnapshot#circuitBreakers() snapshot}.
 * The guard keeps nothing of the tree: an integration that holds the ref weakly (as the
 * circuit-breaker module does) keeps no component reachable from a guard that outlives the
 * tree.
 */
public final class GuardReports {

    private GuardReports() {
    }

    /**
     * Reports that {@code guard} went from {@code fromState} to {@code toState}.
     *
     * @param ref the component whose calls the guard guards, as a supervisor handed it out
     * @param guard the guard's name, for example the circuit breaker's
     * @param fromState the state it left (equal to {@code toState} to report the current state)
     * @param toState the state it entered
     * @return true if reported; false if {@code ref} is not a ref handed out by a supervisor
     *     (a wrapper of one, a test double), which has no tree to report to
     * @throws NullPointerException if an argument is null
     */
    public static boolean stateChanged(ComponentRef<?, ?> ref, String guard, String fromState, String toState) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(fromState, "fromState");
        Objects.requireNonNull(toState, "toState");
        if (!(ref instanceof LocalRef)) {
            return false;
        }
        ComponentCell cell = ((LocalRef) ref).cell;
        cell.guardState(guard, toState);
        cell.tree.publish(new SupervisionEvent.CircuitStateChanged(cell.path(), Tree.now(), guard, fromState, toState));
        return true;
    }
}
