package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import reactor.core.publisher.Sinks;

/**
 * A group restart in progress (ONE_FOR_ALL, REST_FOR_ONE), owned by its supervisor's drain:
 * the members in start order, the crashed one among them. The others go down in reverse start
 * order, each awaited; once they are all down and the crashed child's restart delay has
 * elapsed, the members start again in declared order, each awaited. Until they start, a
 * sibling that crashes joins the group, with the siblings its crash affects; a start that
 * fails counts as that child's crash and the group is tried again.
 */
final class GroupRestart {

    private final SupervisorCell s;
    final ChildCell crashed;
    final List<ChildCell> members;
    /** How many batches of siblings are still going down. */
    private int down;
    private boolean delayElapsed;
    /** The members are being started: from now on a crash waits for the group to be over. */
    boolean starting;

    private GroupRestart(SupervisorCell s, ChildCell crashed, List<ChildCell> members) {
        this.s = s;
        this.crashed = crashed;
        this.members = members;
    }

    /** {@code crashed} was granted a restart: it starts a group restart, or joins the one under way. */
    static void begin(SupervisorCell s, ChildCell crashed) {
        GroupRestart g = s.group;
        if (g == null) {
            g = new GroupRestart(s, crashed, new ArrayList<>());
            s.group = g;
        }
        g.join(crashed);
    }

    private void join(ChildCell c) {
        c.gate = Sinks.unsafe().empty(); // it waits there, after its delay, for its turn; opened by the drain
        List<ChildCell> joining = new ArrayList<>();
        for (ChildCell sibling : s.children.inStartOrder()) {
            boolean affected = sibling == c || s.sspec.strategy() == SupervisionStrategy.ONE_FOR_ALL
                    || sibling.seq > c.seq;
            // as in OTP, a child stopped with stopChild starts again with its group; one that gave up does not
            if (affected && sibling.state() != ComponentState.FAILED && !members.contains(sibling)) {
                joining.add(sibling);
            }
        }
        members.addAll(joining);
        members.sort(Comparator.comparingInt(x -> x.seq));
        joining.remove(c);
        Collections.reverse(joining);
        down++;
        Sequence.run(joining, s.children::terminateOne, () -> {
            down--;
            startIfReady();
        });
    }

    /** The crashed child's delay has elapsed: it waits at its gate. */
    void delayElapsed(ChildCell c) {
        if (c == crashed) {
            delayElapsed = true;
            startIfReady();
        }
    }

    private void startIfReady() {
        if (s.group != this || down > 0 || !delayElapsed || starting) {
            return;
        }
        starting = true;
        Sequence.run(new ArrayList<>(members), (c, next) -> {
            if (s.group != this) {
                return; // called off: the supervisor is stopping or restarting, and ends its children itself
            }
            if (!members.contains(c)) {
                next.run(); // stopped or removed while the group restart was under way
                return;
            }
            if (c != crashed && c.gate == null && c.spec.restartPolicy() == RestartPolicy.TEMPORARY) {
                // as in OTP, a temporary child taken down by a sibling's crash is removed, not restarted
                s.children.remove(c);
                s.children.stopOne(c, Duration.ZERO, "removed by its supervisor", next);
                return;
            }
            s.children.launch(c, failure -> {
                if (failure == null) {
                    next.run();
                } else if (!s.ending()) {
                    startFailed(c, failure, next);
                }
            });
        }, () -> {
            if (s.group == this) {
                s.group = null;
                s.replayDeferred();
            }
        });
    }

    /** A start failed: it counts as that child's crash, and the group is tried again after its delay. */
    private void startFailed(ChildCell c, Throwable failure, Runnable next) {
        if (!s.admitRestart(c)) {
            s.giveUp(c, new RestartLimitExceededException(c.path(), c.spec.restartLimit(), failure));
            next.run(); // the others start without it
            return;
        }
        List<ChildCell> started = new ArrayList<>(members.subList(0, members.indexOf(c)));
        Collections.reverse(started);
        Duration delay = c.spec.restartStrategy().delay(0);
        s.tree.publish(new SupervisionEvent.Restarting(c.path(), Tree.now(), 1, delay, failure));
        Sequence.run(started, s.children::terminateOne, () -> {
            GroupRestart again = new GroupRestart(s, c, members);
            s.group = again;
            if (delay.isZero()) {
                again.delayElapsed = true;
                again.startIfReady();
            } else {
                c.timer().schedule(() -> s.post(new Signals.DelayElapsed(c)), delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        });
    }

    /** A member is stopped or removed: the group goes on without it (without waiting for its delay if it crashed). */
    void leave(ChildCell c) {
        if (members.remove(c) && c == crashed) {
            delayElapsed = true;
            startIfReady();
        }
    }
}
