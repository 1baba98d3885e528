package io.reactorsupervisor;

/** Which children a supervisor restarts when one of them crashes, as in Erlang/OTP. */
public enum SupervisionStrategy {
    /** Restart the crashed child alone; its siblings keep running undisturbed. The default. */
    ONE_FOR_ONE,
    /**
     * Restart every child: the others are stopped in reverse start order, then all are
     * started again in declared order.
     */
    ONE_FOR_ALL,
    /**
     * Restart the crashed child and every child declared after it: those are stopped in
     * reverse start order, then started again in declared order.
     */
    REST_FOR_ONE
}
