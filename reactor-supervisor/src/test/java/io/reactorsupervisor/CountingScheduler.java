package io.reactorsupervisor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/** Delegates to a scheduler and counts the delayed tasks, and the workers taken from it and given back. */
final class CountingScheduler implements Scheduler {
    final Scheduler delegate;
    final AtomicInteger delayed = new AtomicInteger();
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger disposed = new AtomicInteger();

    CountingScheduler(Scheduler delegate) {
        this.delegate = delegate;
    }

    @Override
    public Disposable schedule(Runnable task) {
        return delegate.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        delayed.incrementAndGet();
        return delegate.schedule(task, delay, unit);
    }

    @Override
    public long now(TimeUnit unit) {
        return delegate.now(unit);
    }

    @Override
    public Worker createWorker() {
        created.incrementAndGet();
        Worker w = delegate.createWorker();
        return new Worker() {
            @Override
            public Disposable schedule(Runnable task) {
                return w.schedule(task);
            }

            @Override
            public void dispose() {
                if (!w.isDisposed()) {
                    disposed.incrementAndGet();
                }
                w.dispose();
            }

            @Override
            public boolean isDisposed() {
                return w.isDisposed();
            }
        };
    }
}
