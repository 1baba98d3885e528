package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The promises of README.md's "Testing your components" that no other test proves. Its two
 * examples run, as the README shows them, in the samples' {@code ReadmeExamplesTest}; the
 * virtual-time behaviour of each timer on its own is proven by {@code RestartTimingTest}
 * (backoff), {@code HealthCheckTest} (intervals, timeouts, processing timeouts) and
 * {@code ShutdownTest} (shutdown deadlines).
 */
class TestingReadmePromisesTest {

    private final List<Supervisor> trees = new CopyOnWriteArrayList<>();

    @AfterEach
    void resetVirtualTime() {
        trees.forEach(t -> t.shutdown(Duration.ofSeconds(1)).subscribe(null, e -> { }));
        VirtualTimeScheduler.reset();
    }

    /** "crash" fails, "hang" never answers, anything else is echoed; an hour before each restart. */
    private static ComponentSpec<String, String> flaky() {
        return ComponentSpec.<String, String, Object>named("flaky")
                .state(Object::new)
                .handler((state, m) -> m.equals("crash") ? Mono.<String>error(new IllegalStateException("crash"))
                        : m.equals("hang") ? Mono.<String>never() : Mono.just(m))
                .restart(RestartStrategy.delayed(Duration.ofHours(1)))
                .processingTimeout(Duration.ofMinutes(10))
                .build();
    }

    private static long restarts(Supervisor root) {
        return ((ComponentSnapshot) root.snapshot().child("flaky")).restarts();
    }

    /**
     * "Everything in a tree that waits, restart delays, ..., processing timeouts, shutdown deadlines,
     * runs on Reactor's schedulers, looked up when it is needed. Install reactor-test's
     * {@code VirtualTimeScheduler} before the tree starts": the spec may be built before; each timer
     * fires at its exact virtual instant, and an hour passes without the test waiting for it.
     */
    @Test
    void aSpecBuiltBeforeVirtualTimeWasInstalledRunsOnItOnceTheTreeStarts() {
        ComponentSpec<String, String> flaky = flaky();             // before the virtual clock exists
        VirtualTimeScheduler vts = VirtualTimeScheduler.getOrSet();
        Supervisor root = Supervisor.named("root").child(flaky).start();
        trees.add(root);
        ComponentRef<String, String> ref = root.ref(flaky);
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);

        ref.tell("hang");                                           // the processing timeout: 10 minutes
        vts.advanceTimeBy(Duration.ofMinutes(10).minusMillis(1));
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        vts.advanceTimeBy(Duration.ofMillis(1));
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);

        vts.advanceTimeBy(Duration.ofHours(1).minusMillis(1));    // the restart delay: one hour
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);
        assertThat(restarts(root)).isZero();
        vts.advanceTimeBy(Duration.ofMillis(1));
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(restarts(root)).isEqualTo(1);
        StepVerifier.create(ref.ask("after")).expectNext("after").expectComplete().verify(Duration.ofSeconds(5));

        ref.tell("hang");                                           // the shutdown deadline: one minute
        StepVerifier.create(root.shutdown(Duration.ofMinutes(1)))
                .expectSubscription()
                .then(() -> vts.advanceTimeBy(Duration.ofMinutes(1).minusMillis(1)))
                .then(() -> assertThat(ref.state()).isEqualTo(ComponentState.STOPPING))
                .then(() -> vts.advanceTimeBy(Duration.ofMillis(1)))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
    }

    /**
     * "or build the tree inside {@code StepVerifier.withVirtualTime(() -> ...)}": with a spec built
     * outside the lambda, the restart waits its hour of virtual time to the millisecond.
     */
    @Test
    void aTreeStartedInsideWithVirtualTimeFromASpecBuiltOutsideRestartsOnVirtualTime() {
        ComponentSpec<String, String> flaky = flaky();
        AtomicReference<Supervisor> tree = new AtomicReference<>();
        StepVerifier.withVirtualTime(() -> {
            Supervisor root = Supervisor.named("root").child(flaky).start();
            trees.add(root);
            tree.set(root);
            root.ref(flaky).tell("crash");
            return root.events().ofType(SupervisionEvent.Restarted.class).next();
        })
                .expectSubscription()
                .expectNoEvent(Duration.ofHours(1).minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(restarted -> assertThat(restarted.path()).isEqualTo("root/flaky"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(restarts(tree.get())).isEqualTo(1);
    }

    /**
     * "and reset it after the test": the README's {@code VirtualTimeScheduler.reset()} gives "the next
     * test ... the real schedulers back": a tree started after it restarts on real time, which
     * virtual time left unadvanced would never do.
     */
    @Test
    void afterResetATreeRunsOnTheRealSchedulersAgain() {
        VirtualTimeScheduler.getOrSet();
        VirtualTimeScheduler.reset();
        assertThat(Schedulers.parallel()).isNotInstanceOf(VirtualTimeScheduler.class);
        ComponentSpec<String, String> quick = ComponentSpec.<String, String, Object>named("flaky")
                .state(Object::new)
                .syncHandler((state, m) -> {
                    if (m.equals("crash")) {
                        throw new IllegalStateException("crash");
                    }
                    return m;
                })
                .restart(RestartStrategy.delayed(Duration.ofMillis(50)))
                .build();
        Supervisor root = Supervisor.named("root").child(quick).start();
        trees.add(root);
        ComponentRef<String, String> ref = root.ref(quick);
        ref.tell("crash");
        Eventually.until("restarted after 50 ms of real time", Duration.ofSeconds(10),
                () -> restarts(root) == 1 && ref.state() == ComponentState.RUNNING);
        StepVerifier.create(ref.ask("again")).expectNext("again").expectComplete().verify(Duration.ofSeconds(5));
    }
}
