package io.reactorsupervisor;

import java.util.ArrayDeque;

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

    /** A queue that grew past this while a big tree started or stopped is not kept for the thread's later drains. */
    private static final int KEPT_CAPACITY = 64;

    private static final ThreadLocal<Loop> LOOP = ThreadLocal.withInitial(Loop::new);

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
        Loop loop = LOOP.get();
        if (loop.running) {
            loop.pending.add(task);
            loop.queued++;
            return Disposables.disposed();
        }
        loop.running = true;
        try {
            Runnable next = task;
            do {
                try {
                    next.run();
                } catch (Throwable t) {
                    Tree.LOG.error("a supervisor's drain failed; this is a bug", t);
                }
                next = loop.pending.poll();
            } while (next != null);
        } finally {
            loop.running = false;
            if (loop.queued > KEPT_CAPACITY) {
                loop.pending = new ArrayDeque<>();
            }
            loop.queued = 0;
        }
        return Disposables.disposed();
    }

    /** Whether this thread runs supervisor drains now (it may hold the drain a signal waits for). */
    static boolean runningHere() {
        return LOOP.get().running;
    }

    @Override
    public Worker createWorker() {
        return WORKER;
    }

    /**
     * One thread's loop, kept for the thread's life so that a drain allocates nothing: whether a
     * drain runs on it now, and the tasks posted meanwhile.
     */
    private static final class Loop {
        boolean running;
        ArrayDeque<Runnable> pending = new ArrayDeque<>();
        /** Tasks queued during this drain: how far {@link #pending} may have grown. */
        int queued;
    }
}
