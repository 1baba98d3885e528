package io.reactorsupervisor.micrometer;

import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.ComponentStats;
import io.reactorsupervisor.DeadLetterReason;

/**
 * The components of one supervisor that have no meters of their own, read as one: counters add
 * up the members' and keep what removed members counted, so that they never go down; gauges add
 * up the members' values now. Membership changes and reads are serialized on the group.
 */
final class Group implements ComponentMeters.Source {

    private final Set<ComponentStats> members = new LinkedHashSet<>();
    private long retiredHandled;
    private long retiredCrashes;
    private long retiredRestarts;
    private final Map<DeadLetterReason, Long> retiredDeadLetters = new EnumMap<>(DeadLetterReason.class);

    synchronized void add(ComponentStats member) {
        members.add(member);
    }

    /** Removes a member, keeping its counts. */
    synchronized void retire(ComponentStats member) {
        if (members.remove(member)) {
            retiredHandled += member.handled();
            retiredCrashes += member.crashes();
            retiredRestarts += member.restarts();
            for (DeadLetterReason r : DeadLetterReason.values()) {
                retiredDeadLetters.merge(r, member.deadLetters(r), Long::sum);
            }
        }
    }

    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    synchronized int size() {
        return members.size();
    }

    @Override
    public synchronized double handled() {
        long n = retiredHandled;
        for (ComponentStats m : members) {
            n += m.handled();
        }
        return n;
    }

    @Override
    public synchronized double crashes() {
        long n = retiredCrashes;
        for (ComponentStats m : members) {
            n += m.crashes();
        }
        return n;
    }

    @Override
    public synchronized double restarts() {
        long n = retiredRestarts;
        for (ComponentStats m : members) {
            n += m.restarts();
        }
        return n;
    }

    @Override
    public synchronized double deadLetters(DeadLetterReason reason) {
        long n = retiredDeadLetters.getOrDefault(reason, 0L);
        for (ComponentStats m : members) {
            n += m.deadLetters(reason);
        }
        return n;
    }

    @Override
    public synchronized double mailboxDepth() {
        long n = 0;
        for (ComponentStats m : members) {
            n += m.mailboxDepth();
        }
        return n;
    }

    @Override
    public synchronized double mailboxCapacity() {
        long n = 0;
        for (ComponentStats m : members) {
            n += m.mailboxCapacity();
        }
        return n;
    }

    @Override
    public synchronized double inState(ComponentState state) {
        int n = 0;
        for (ComponentStats m : members) {
            if (m.state() == state) {
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized double restartsInWindow() {
        long n = 0;
        for (ComponentStats m : members) {
            n += m.restartsInWindow();
        }
        return n;
    }

    @Override
    public synchronized double inBreakerState(String breaker, String state) {
        int n = 0;
        for (ComponentStats m : members) {
            if (state.equalsIgnoreCase(m.circuitBreakers().get(breaker))) {
                n++;
            }
        }
        return n;
    }
}
