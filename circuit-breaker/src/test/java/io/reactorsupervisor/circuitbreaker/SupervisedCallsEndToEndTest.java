package io.reactorsupervisor.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Component A asks component B through a guard, both under one supervisor, on virtual time.
 * B crash-loops until it gives up; A degrades instead of crashing, and recovers with B.
 */
class SupervisedCallsEndToEndTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    @AfterEach
    void resetTime() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void callerDegradesWhileItsCalleeIsFailedNeverCrashesAndRecoversOnceTheCalleeIsRestarted() {
        VirtualTimeScheduler.getOrSet();
        MutableClock clock = new MutableClock();
        List<SupervisionEvent> events = new ArrayList<>();
        AtomicInteger bInvocations = new AtomicInteger();
        boolean[] bBroken = {true};

        ComponentSpec<String, String> b = ComponentSpec.<String, String, Object>named("b")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    bInvocations.incrementAndGet();
                    if (bBroken[0]) {
                        throw new IllegalStateException("b is broken");
                    }
                    return "b:" + m;
                })
                .limit(RestartLimit.of(2, Duration.ofMinutes(1)))
                .build();
        Supervisor root = Supervisor.named("root").child(b).start();
        root.events().subscribe(events::add);

        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(Breakers.config(clock, 1).build());
        GuardedRef<String, String> toB = CircuitBreakerGuard.of(root.<String, String>ref("b"))
                .circuitBreaker(registry, "b")
                .fallback((m, cause) -> Mono.just("degraded:" + m))
                .build();
        CircuitBreaker cb = registry.circuitBreaker("b");

        // A's state is its guarded ref to B; its handler asks B through it
        ComponentSpec<String, String> a = ComponentSpec.<String, String, GuardedRef<String, String>>named("a")
                .state(() -> toB)
                .handler((guard, m) -> guard.ask(m).map(reply -> "a(" + reply + ")"))
                .build();
        root.startChild(a);
        ComponentRef<String, String> refA = root.ref(a);

        // three crashes: B restarts twice, then gives up
        for (int i = 1; i <= 3; i++) {
            StepVerifier.create(refA.ask("m" + i)).expectNext("a(degraded:m" + i + ")").expectComplete().verify(VERIFY);
        }
        assertThat(root.ref("b").state()).isEqualTo(ComponentState.FAILED);
        assertThat(cb.getState()).isEqualTo(State.CLOSED); // 3 failures, 4 calls needed for a verdict

        // a fourth call fails fast on the FAILED component: the window is full of failures
        long bDeadLetters = snapshot(root, "b").deadLetters();
        StepVerifier.create(refA.ask("m4")).expectNext("a(degraded:m4)").expectComplete().verify(VERIFY);
        assertThat(cb.getState()).isEqualTo(State.OPEN);
        assertThat(snapshot(root, "b").deadLetters()).isEqualTo(bDeadLetters); // never sent
        assertThat(snapshot(root, "b").circuitBreakers()).containsEntry("b", "OPEN");

        // open: calls take the fallback without reaching B
        StepVerifier.create(refA.ask("m5")).expectNext("a(degraded:m5)").expectComplete().verify(VERIFY);
        assertThat(bInvocations).hasValue(3);
        assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);

        // B is repaired and restarted; the breaker lets a trial call through after its wait
        bBroken[0] = false;
        root.restartChild("b");
        assertThat(root.ref("b").state()).isEqualTo(ComponentState.RUNNING);
        StepVerifier.create(refA.ask("m6")).expectNext("a(degraded:m6)").expectComplete().verify(VERIFY);
        clock.advance(Breakers.WAIT_IN_OPEN.plusMillis(1));
        StepVerifier.create(refA.ask("m7")).expectNext("a(b:m7)").expectComplete().verify(VERIFY);

        assertThat(cb.getState()).isEqualTo(State.CLOSED);
        assertThat(snapshot(root, "b").circuitBreakers()).isEqualTo(Map.of("b", "CLOSED"));
        ComponentSnapshot aNow = snapshot(root, "a");
        assertThat(aNow.restarts()).isZero();
        assertThat(aNow.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(aNow.circuitBreakers()).isEmpty(); // the breaker guards calls to B, not to A
        assertThat(events).noneMatch(e -> e.path().equals("root/a") && e instanceof SupervisionEvent.Crashed);
        assertThat(events).filteredOn(SupervisionEvent.CircuitStateChanged.class::isInstance)
                .extracting(e -> {
                    SupervisionEvent.CircuitStateChanged c = (SupervisionEvent.CircuitStateChanged) e;
                    return c.path() + " " + c.breaker() + ":" + c.fromState() + "->" + c.toState();
                })
                .containsExactly("root/b b:CLOSED->CLOSED", "root/b b:CLOSED->OPEN",
                        "root/b b:OPEN->HALF_OPEN", "root/b b:HALF_OPEN->CLOSED");
        assertThat(events).filteredOn(SupervisionEvent.Failed.class::isInstance)
                .extracting(SupervisionEvent::path).containsExactly("root/b");

        root.shutdown(Duration.ofSeconds(1)).block(VERIFY);
    }

    private static ComponentSnapshot snapshot(Supervisor root, String name) {
        return (ComponentSnapshot) root.snapshot().child(name);
    }
}
