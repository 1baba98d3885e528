package io.reactorsupervisor.spring;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

import io.reactorsupervisor.Supervisor;

/**
 * Ties a tree to the application context: waits for its children to start when the context
 * starts, and shuts it down gracefully when the context stops, in phase {@link #PHASE}: after
 * the web server's graceful shutdown (so requests in flight can still ask components) and
 * before the web server and the context close. The shutdown deadline is
 * {@code reactor-supervisor.shutdown-deadline}, by default
 * {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
public final class SupervisionLifecycle implements SmartLifecycle, AutoCloseable {

    /**
     * Below Spring Boot's {@code WebServerGracefulShutdownLifecycle} ({@code DEFAULT_PHASE - 1024}):
     * stopped after it, started before it; above the web server's own start/stop phase
     * ({@code DEFAULT_PHASE - 2048}).
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

    private static final Logger log = LoggerFactory.getLogger(SupervisionLifecycle.class);

    private final Supervisor root;
    private final Duration startupTimeout;
    private final Duration shutdownDeadline;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();

    SupervisionLifecycle(Supervisor root, Duration startupTimeout, Duration shutdownDeadline) {
        this.root = root;
        this.startupTimeout = startupTimeout;
        this.shutdownDeadline = shutdownDeadline;
    }

    @Override
    public void start() {
        try {
            root.started().block(startupTimeout);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the supervision tree '" + root.name() + "' did not start within "
                    + "reactor-supervisor.startup-timeout (" + startupTimeout + "): " + e.getMessage(), e);
        }
        running.set(true);
    }

    @Override
    public void stop() {
        shutdown().block(shutdownDeadline.plusSeconds(1));
        running.set(false);
    }

    @Override
    public void stop(Runnable callback) {
        shutdown().doFinally(signal -> {
            running.set(false);
            callback.run();
        }).subscribe();
    }

    private Mono<Void> shutdown() {
        stopping.set(true);
        log.info("shutting down the supervision tree '{}' (deadline {})", root.name(), shutdownDeadline);
        return root.shutdown(shutdownDeadline).onErrorResume(error -> {
            log.warn("the supervision tree '{}' ended its shutdown with {}", root.name(), error.toString());
            return Mono.empty();
        });
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Not pauseable: a tree that is shut down ends for good (its components' state and mailboxes
     * are gone), so a context pause (Spring Framework 7's test-context pausing, a
     * {@code ConfigurableApplicationContext.pause()}) leaves it running; only a stop or a close of
     * the context shuts it down.
     *
     * @return false
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    /**
     * Whether the application is shutting the tree down (so its termination is expected).
     *
     * @return true once a stop began
     */
    public boolean stopping() {
        return stopping.get();
    }

    /** Shuts the tree down if the context closes without stopping it (a failed refresh). */
    @Override
    public void close() {
        if (!stopping.get()) {
            shutdown().block(shutdownDeadline.plusSeconds(1));
        }
    }
}
