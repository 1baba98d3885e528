package io.reactorsupervisor;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Sinks;

/**
 * What can be asked of a supervisor: each request is queued and handled by the supervisor's
 * drain, one at a time with its children's signals; its outcome is a {@code Mono} the caller
 * gets at once.
 */
final class Requests {

    private Requests() {
    }

    /** Something asked of this supervisor, handled by its drain; refused if the supervisor ends first. */
    abstract static class Request {
        final Sinks.Empty<Void> done = Sinks.unsafe().empty(); // emitted once, by the supervisor's drain

        abstract void run(SupervisorCell s);

        /** Whether this request waits for the group restart under way to be over (it concerns a member). */
        boolean waitsFor(GroupRestart g) {
            return false;
        }

        void refuse(SupervisorCell s) {
            done.tryEmitError(new IllegalStateException("supervisor '" + s.path() + "' is " + s.state()));
        }
    }

    static final class StopSelf extends Request {
        final Duration deadline;

        StopSelf(Duration deadline) {
            this.deadline = deadline;
        }

        @Override
        void run(SupervisorCell s) {
            if (s.state().isTerminal()) {
                done.tryEmitEmpty();
                return;
            }
            if (!s.moveTo(ComponentState.STOPPING)) {
                return; // stopping already
            }
            s.group = null;
            s.endChildrenThen(deadline, true, null, () -> {
                SupervisorRun run = s.current;
                if (run != null) {
                    run.end(null); // the pipeline completes: STOPPED
                } else {
                    s.cancelPipeline(); // waiting to be restarted: ends at once
                    s.stopped("shut down");
                    s.ended(null);
                }
                done.tryEmitEmpty();
            });
        }
    }

    static final class TerminateSelf extends Request {
        @Override
        void run(SupervisorCell s) {
            SupervisorRun run = s.current;
            if (run != null) {
                run.terminate();
            }
        }
    }

    static final class SelfEnded extends Request {
        final @Nullable Throwable cause;

        SelfEnded(@Nullable Throwable cause) {
            this.cause = cause;
        }

        @Override
        void run(SupervisorCell s) {
            s.selfEnded(cause);
        }
    }

    /** Whether the supervisor takes requests that change its children. */
    private static boolean refuses(SupervisorCell s, Request r) {
        ComponentState state = s.state();
        SupervisorRun run = s.current;
        if (state == ComponentState.STOPPING || state.isTerminal() || run == null || run.ending) {
            r.refuse(s);
            return true;
        }
        return false;
    }

    static final class StartChild extends Request {
        final ChildCell child;

        StartChild(ChildCell child) {
            this.child = child;
        }

        @Override
        void run(SupervisorCell s) {
            if (refuses(s, this)) {
                s.children.remove(child);
                return;
            }
            s.children.launch(child, failure -> {
                if (failure == null) {
                    done.tryEmitEmpty();
                    return;
                }
                s.children.fail(child, failure);
                s.children.remove(child); // as OTP's start_child: a child that could not start is not kept
                done.tryEmitError(new ChildStartException(child.path(), failure));
            });
        }

        @Override
        void refuse(SupervisorCell s) {
            s.children.remove(child);
            super.refuse(s);
        }
    }

    static final class StopChild extends Request {
        final ChildCell child;
        final Duration deadline;
        final boolean remove;

        StopChild(ChildCell child, Duration deadline, boolean remove) {
            this.child = child;
            this.deadline = deadline;
            this.remove = remove;
        }

        @Override
        void run(SupervisorCell s) {
            if (remove) {
                s.children.remove(child); // at once: nothing can restart it into the tree now
            }
            s.children.stopOne(child, deadline, remove ? "removed by its supervisor" : "stopped by its supervisor",
                    done::tryEmitEmpty);
            s.leaveGroup(child);
        }
    }

    static final class RestartChild extends Request {
        final ChildCell child;

        RestartChild(ChildCell child) {
            this.child = child;
        }

        @Override
        boolean waitsFor(GroupRestart g) {
            return g.members.contains(child); // the group restarts it anyway: then it restarts again
        }

        @Override
        void run(SupervisorCell s) {
            if (refuses(s, this)) {
                return;
            }
            if (s.children.byName.get(child.name) != child) {
                done.tryEmitError(new IllegalArgumentException("supervisor '" + s.path() + "' has no child named '"
                        + child.name + "'"));
                return;
            }
            s.children.terminateOne(child, () -> {
                child.window = null; // a restart by hand starts the restart history over
                s.children.launch(child, failure -> {
                    if (failure == null) {
                        done.tryEmitEmpty();
                        return;
                    }
                    s.children.fail(child, failure);
                    done.tryEmitError(new ChildStartException(child.path(), failure));
                });
            });
        }
    }
}
