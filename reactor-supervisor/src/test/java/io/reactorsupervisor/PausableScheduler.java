package io.reactorsupervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A component scheduler for tests on virtual time that can hold its tasks: while paused, what
 * is scheduled without a delay waits until {@link #release()}, as on a thread that is busy
 * elsewhere. Delayed tasks go to the virtual scheduler unchanged.
 */
final class PausableScheduler implements Scheduler {

    private final List<Runnable> held = new ArrayList<>();
    private boolean paused = true;

    synchronized void pause() {
        paused = true;
    }

    /** Runs what was held, on the virtual scheduler, and lets later tasks through. */
    void release() {
        List<Runnable> tasks;
        synchronized (this) {
            paused = false;
            tasks = new ArrayList<>(held);
            held.clear();
        }
        tasks.forEach(Schedulers.parallel()::schedule);
    }

    @Override
    public Disposable schedule(Runnable task) {
        synchronized (this) {
            if (paused) {
                held.add(task);
                return Disposables.single();
            }
        }
        return Schedulers.parallel().schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return Schedulers.parallel().schedule(task, delay, unit);
    }

    @Override
    public long now(TimeUnit unit) {
        return Schedulers.parallel().now(unit);
    }

    @Override
    public Worker createWorker() {
        return new Worker() {
            private final Disposable.Composite tasks = Disposables.composite();

            @Override
            public Disposable schedule(Runnable task) {
                return PausableScheduler.this.schedule(task);
            }

            @Override
            public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                return PausableScheduler.this.schedule(task, delay, unit);
            }

            @Override
            public void dispose() {
                tasks.dispose();
            }

            @Override
            public boolean isDisposed() {
                return tasks.isDisposed();
            }
        };
    }
}
