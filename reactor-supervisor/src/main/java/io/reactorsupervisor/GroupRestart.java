package io.reactorsupervisor;

import java.util.List;

/**
 * A group restart in progress (ONE_FOR_ALL, REST_FOR_ONE), owned by its supervisor's drain:
 * the members in start order, the crashed one among them. The members start again, in order,
 * once the others have all ended (in reverse start order, each awaited) and the crashed
 * child's restart delay has elapsed. Until the members start, a sibling that crashes joins
 * the group (with the siblings its crash affects) instead of restarting it again later.
 */
final class GroupRestart {
    final ChildCell crashed;
    final List<ChildCell> members;
    /** How many batches of siblings are still going down. */
    int down;
    boolean delayElapsed;
    /** The members are being started: from now on a crash waits for the group to be over. */
    boolean starting;

    GroupRestart(ChildCell crashed, List<ChildCell> members) {
        this.crashed = crashed;
        this.members = members;
    }
}
