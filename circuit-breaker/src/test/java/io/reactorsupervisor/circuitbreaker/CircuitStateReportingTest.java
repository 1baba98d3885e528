package io.reactorsupervisor.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.SupervisionEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class CircuitStateReportingTest {

    private Target target;
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void startTree() {
        target = new Target(VirtualTimeScheduler.getOrSet());
    }

    @AfterEach
    void stopTree() {
        target.shutdown();
        VirtualTimeScheduler.reset();
    }

    @Test
    void buildingAGuardReportsTheBreakersCurrentStateNextToTheComponent() {
        CircuitBreaker cb = Breakers.breaker("b-breaker", clock, 1);
        cb.transitionToForcedOpenState();

        CircuitBreakerGuard.of(target.ref).circuitBreaker(cb).build();

        assertThat(target.snapshot().circuitBreakers()).isEqualTo(Map.of("b-breaker", "FORCED_OPEN"));
        assertThat(target.events).filteredOn(SupervisionEvent.CircuitStateChanged.class::isInstance)
                .singleElement()
                .isInstanceOfSatisfying(SupervisionEvent.CircuitStateChanged.class, e -> {
                    assertThat(e.path()).isEqualTo("root/b");
                    assertThat(e.breaker()).isEqualTo("b-breaker");
                    assertThat(e.fromState()).isEqualTo("FORCED_OPEN");
                    assertThat(e.toState()).isEqualTo("FORCED_OPEN");
                });
    }

    @Test
    void everyStateTransitionIsPublishedAsAnEventAndShownInTheSnapshot() {
        CircuitBreaker cb = Breakers.breaker("b", clock, 1);
        CircuitBreakerGuard.of(target.ref).circuitBreaker(cb).build();

        cb.transitionToOpenState();
        assertThat(target.snapshot().circuitBreakers()).containsEntry("b", "OPEN");
        cb.transitionToHalfOpenState();
        assertThat(target.snapshot().circuitBreakers()).containsEntry("b", "HALF_OPEN");
        cb.transitionToClosedState();
        cb.transitionToDisabledState();
        assertThat(target.snapshot().circuitBreakers()).containsEntry("b", "DISABLED");
        cb.transitionToMetricsOnlyState();
        assertThat(target.snapshot().circuitBreakers()).containsEntry("b", "METRICS_ONLY");
        cb.transitionToForcedOpenState();
        assertThat(target.snapshot().circuitBreakers()).containsEntry("b", "FORCED_OPEN");
        cb.transitionToClosedState();

        assertThat(target.transitions()).containsExactly(
                "b:CLOSED->CLOSED",
                "b:CLOSED->OPEN",
                "b:OPEN->HALF_OPEN",
                "b:HALF_OPEN->CLOSED",
                "b:CLOSED->DISABLED",
                "b:DISABLED->METRICS_ONLY",
                "b:METRICS_ONLY->FORCED_OPEN",
                "b:FORCED_OPEN->CLOSED");
        assertThat(target.snapshot().circuitBreakers()).isEqualTo(Map.of("b", "CLOSED"));
    }

    @Test
    void aBreakerReportsEachTransitionOncePerComponentHoweverManyGuardsAreBuilt() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        CircuitBreakerGuard<String, String> template = CircuitBreakerGuard.of(target.ref);
        template.circuitBreaker(registry, "b").build();
        template.circuitBreaker(registry, "b").build();
        template.circuitBreaker(registry.circuitBreaker("b")).build();

        registry.circuitBreaker("b").transitionToOpenState();

        assertThat(target.transitions()).containsExactly("b:CLOSED->CLOSED", "b:CLOSED->OPEN");
    }

    @Test
    void aBreakerSharedByTwoComponentsReportsToEach() {
        ComponentSpec<String, String> c = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> m)
                .build();
        target.root.startChild(c);
        ComponentRef<String, String> refC = target.root.ref(c);
        CircuitBreaker cb = Breakers.breaker("shared", clock, 1);
        CircuitBreakerGuard.of(target.ref).circuitBreaker(cb).build();
        CircuitBreakerGuard.of(refC).circuitBreaker(cb).build();

        cb.transitionToOpenState();

        assertThat(target.transitions()).containsExactly("shared:CLOSED->CLOSED", "shared:CLOSED->OPEN");
        assertThat(((ComponentSnapshot) target.root.snapshot().child("c")).circuitBreakers())
                .isEqualTo(Map.of("shared", "OPEN"));
        assertThat(target.events).filteredOn(e -> e.path().equals("root/c"))
                .filteredOn(SupervisionEvent.CircuitStateChanged.class::isInstance)
                .hasSize(2);
        target.root.stopChild("c", Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
    }

    @Test
    void twoBreakersGuardingOneComponentAppearSideBySideInItsSnapshot() {
        CircuitBreakerGuard<String, String> template = CircuitBreakerGuard.of(target.ref);
        CircuitBreaker reads = Breakers.breaker("reads", clock, 1);
        CircuitBreaker writes = Breakers.breaker("writes", clock, 1);
        template.circuitBreaker(reads).build();
        template.circuitBreaker(writes).build();

        writes.transitionToOpenState();

        assertThat(target.snapshot().circuitBreakers()).isEqualTo(Map.of("reads", "CLOSED", "writes", "OPEN"));
    }

    /**
     * A breaker in a registry outlives the trees whose calls it guards: it must keep none of
     * their components reachable. Its reporters hold their components weakly, and one whose
     * component is gone reports nothing.
     */
    @Test
    void aSharedBreakerKeepsNoComponentOfAShortLivedTreeReachable() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        List<WeakReference<Object>> gone = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Target shortLived = new Target(VirtualTimeScheduler.getOrSet());
            CircuitBreakerGuard.of(shortLived.ref).circuitBreaker(registry, "shared").build();
            gone.add(new WeakReference<>(shortLived.ref));
            shortLived.shutdown();
        }
        for (int i = 0; i < 100 && gone.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(gone).allSatisfy(r -> assertThat(r.get()).isNull());
        registry.circuitBreaker("shared").transitionToOpenState(); // their reporters report nothing, throw nothing
        assertThat(registry.circuitBreaker("shared").getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
