package io.reactorsupervisor;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

/**
 * The scheduler of supervisor drains: a task runs on the thread that schedules it, unless that
 * thread is already running one, in which case it runs right after, on the same thread. So a
 * supervisor's signal is handled without a thread hop (a crash decided on the crashing thread),
 * and work that crosses a tree of any depth (starting or stopping 10,000 nested supervisors)
 * takes a flat loop instead of a deep stack. Supervisor drains run no user code: handlers,
 * state factories and event subscribers run in component drains and in the event hub.
 */
final class Trampoline implements Scheduler {

    static final Trampoline INSTANCE = new Trampoline();

    private static final ThreadLocal<@Nullable ArrayDeque<Runnable>> PENDING = new ThreadLocal<>();

    private static final Worker WORKER = new Worker() {
        @Override
        public Disposable schedule(Runnable task) {
            return INSTANCE.schedule(task);
        }

        @Override
        public void dispose() {
            // shared and stateless
        }
    };

    private Trampoline() {
    }

    @Override
    public Disposable schedule(Runnable task) {
        ArrayDeque<Runnable> pending = PENDING.get();
        if (pending != null) {
            pending.add(task);
            return Disposables.disposed();
        }
        pending = new ArrayDeque<>();
        PENDING.set(pending);
        try {
            Runnable next = task;
            do {
                try {
                    next.run();
                } catch (Throwable t) {
                    Tree.LOG.error("a supervisor's drain failed; this is a bug", t);
                }
                next = pending.poll();
            } while (next != null);
        } finally {
            PENDING.remove();
        }
        return Disposables.disposed();
    }

    @Override
    public Worker createWorker() {
        return WORKER;
    }
}
