package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * One incarnation of a supervisor, the subscription its pipeline holds: it begins afresh
 * (its declared children only, started one at a time in declared order, and a new restart
 * history), lasts while it supervises, and ends, once its children have ended in reverse
 * order, when it is stopped, restarted with its group, escalates or could not start a child.
 * Everything but {@link #cancel()} runs in the supervisor's drain.
 */
final class SupervisorRun implements Subscription {

    private final SupervisorCell s;
    private final CoreSubscriber<? super Object> actual;
    volatile boolean cancelled;
    /** The declared children are being started: a crash waits for the start to be over, as in OTP. */
    boolean starting;
    /** Its children are being ended before it ends (a restart, an escalation, a start that failed). */
    boolean ending;
    private boolean ended;

    SupervisorRun(SupervisorCell s, CoreSubscriber<? super Object> actual) {
        this.s = s;
        this.actual = actual;
    }

    @Override
    public void request(long n) {
        // emits nothing
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    void begin() {
        Children children = s.children;
        for (ChildCell c : children.inStartOrder()) {
            if (!children.declared.contains(c)) {
                children.remove(c); // started at runtime: gone with the incarnation that started it, as in OTP
                if (!c.state().isTerminal()) {
                    children.endParked(c, new Signals.Stop("its supervisor restarted"));
                }
            }
        }
        s.incarnationStarted(s.state() == ComponentState.STOPPING);
        starting = true;
        List<ChildCell> started = new ArrayList<>();
        Sequence.run(children.declared, (c, next) -> {
            if (s.current != this || ending || s.ending()) {
                starting = false;
                return; // stopped or restarted while its children started: that end goes on
            }
            c.window = null;
            children.launch(c, failure -> {
                if (failure == null) {
                    started.add(c);
                    next.run();
                    return;
                }
                starting = false;
                if (s.ending()) {
                    return; // stopped or restarted while its children started: that end goes on
                }
                children.fail(c, failure); // no escalation: the start itself fails
                Collections.reverse(started);
                ChildStartException error = new ChildStartException(c.path(), failure);
                s.firstStart.tryEmitError(error);
                ending = true;
                Sequence.run(started, children::terminateOne, () -> end(error));
            });
        }, () -> {
            starting = false;
            if (s.entities != null) {
                s.entities.begun(); // keys that waited while the set started or restarted
            }
            s.firstStart.tryEmitEmpty();
            s.tellStarted();
            s.replayDeferred();
        });
    }

    /** A child gave up and the supervisor escalates: its children end, keeping their mailboxes, then it fails. */
    void escalate(Throwable cause) {
        if (ending || s.state() == ComponentState.STOPPING || s.state().isTerminal()) {
            return;
        }
        ending = true;
        s.group = null;
        s.tree.publish(new SupervisionEvent.Escalated(s.path(), Tree.now(), cause));
        Tree.LOG.error("'{}' escalates: {}", s.path(), cause.toString());
        EscalationException e = new EscalationException(s.path(), cause);
        s.endChildrenThen(Duration.ZERO, false, null, () -> end(e));
    }

    /** Its parent restarts it with its group: its children end, keeping their mailboxes, then it ends. */
    void terminate() {
        if (ending) {
            return;
        }
        ending = true;
        s.group = null;
        s.endChildrenThen(Duration.ZERO, false, null,
                () -> end(new Signals.Terminated("restarted with its group by its supervisor")));
    }

    /** Ends this incarnation with {@code error} (null: stopped), for the parent to decide on. */
    void end(@Nullable Throwable error) {
        if (s.current == this) {
            s.current = null;
        }
        if (ended || cancelled) {
            return;
        }
        ended = true;
        if (error == null) {
            actual.onComplete();
        } else {
            actual.onError(error);
        }
    }
}
