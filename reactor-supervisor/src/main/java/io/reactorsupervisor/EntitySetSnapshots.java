package io.reactorsupervisor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Snapshots of a keyed set ({@link EntitySet}), read from any thread: the set's aggregate, which
 * {@code Supervisor.snapshot()} and readiness show however many keys it holds, and one key's
 * component.
 */
final class EntitySetSnapshots {

    private EntitySetSnapshots() {
    }

    /**
     * The counts come from the drain's own (alive, being passivated), read once each, so that they
     * never add up to more than the set holds; the restarting ones, and those that are not ready,
     * are counted by looking at the children, a weakly consistent view. That look is the only cost
     * of readiness: nothing is kept or scheduled per key for it, and it is paid by whoever asks for
     * a snapshot (a readiness probe), not by the keys.
     */
    static EntitiesSnapshot of(EntitySet set) {
        int alive = set.liveCount;
        int passivatingNow = set.passivatingCount;
        int restarting = 0;
        int notReadyKeys = 0;
        TreeMap<String, String> notReady = null; // by key name, the first ones only
        for (ChildCell c : set.owner.children.byName.values()) {
            ComponentState s = c.state();
            String why;
            if (s == ComponentState.RESTARTING) {
                restarting++;
                why = s.name();
            } else {
                why = s == ComponentState.RUNNING && c instanceof ComponentCell ? backlog(set, (ComponentCell) c) : null;
            }
            if (why != null) {
                notReadyKeys++;
                if (notReady == null) {
                    notReady = new TreeMap<>();
                }
                notReady.put(c.name, why);
                if (notReady.size() > EntitiesSnapshot.MAX_NOT_READY_LISTED) {
                    notReady.pollLastEntry();
                }
            }
        }
        restarting = Math.min(restarting, Math.max(0, alive - passivatingNow));
        int active = Math.max(0, alive - passivatingNow - restarting);
        int waitingKeys = Math.max(0, set.slots.size() - alive);
        Map<String, String> listed = Map.of(); // the usual case: nothing allocated per snapshot
        if (notReady != null) {
            listed = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : notReady.entrySet()) {
                listed.put(set.path(e.getKey()), e.getValue());
            }
        }
        SupervisorCell owner = set.owner;
        return new EntitiesSnapshot(owner.name, owner.path(), owner.state(), owner.restarts, owner.uptime(), active,
                passivatingNow, restarting, waitingKeys, set.spec.maxActive(), set.activations, set.passivations, listed,
                notReadyKeys);
    }

    /** Why a running keyed component is not ready, or null if it is: its mailbox above its threshold. */
    private static @Nullable String backlog(EntitySet set, ComponentCell c) {
        int depth = c.mailbox.depth();
        return set.template.overReadinessThreshold(depth) ? "mailbox above its readiness threshold (" + depth + " waiting)"
                : null;
    }

    /** The snapshot of the component of {@code key}, or null while the key has none. */
    static @Nullable ComponentSnapshot of(EntitySet set, String key) {
        ChildCell c = set.owner.children.byName.get(key);
        return c instanceof ComponentCell ? ((ComponentCell) c).snapshot() : null;
    }
}
