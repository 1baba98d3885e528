package io.reactorsupervisor.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentState;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The guard's spec on its own, against a stub ref: no supervision tree. */
class CircuitBreakerGuardTest {

    /** A ref that answers every message with itself (a stub: it has no tree to report breakers to). */
    static final class StubRef implements ComponentRef<String, String> {

        @Override
        public String name() {
            return "b";
        }

        @Override
        public String path() {
            return "root/b";
        }

        @Override
        public boolean tell(String message) {
            return true;
        }

        @Override
        public Mono<String> ask(String message) {
            return Mono.just(message);
        }

        @Override
        public ComponentState state() {
            return ComponentState.RUNNING;
        }

        @Override
        public int mailboxDepth() {
            return 0;
        }
    }

    private final StubRef ref = new StubRef();
    private final CircuitBreaker cb = CircuitBreaker.ofDefaults("cb");

    @Test
    void nullArgumentsAreRefusedWithTheParameterName() {
        CircuitBreakerGuard<String, String> guard = CircuitBreakerGuard.of(ref);
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

        assertThatThrownBy(() -> CircuitBreakerGuard.of(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("ref");
        assertThatThrownBy(() -> guard.circuitBreaker(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("circuitBreaker");
        assertThatThrownBy(() -> guard.circuitBreaker(null, "b")).isInstanceOf(NullPointerException.class)
                .hasMessage("registry");
        assertThatThrownBy(() -> guard.circuitBreaker(registry, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("name");
        assertThatThrownBy(() -> guard.circuitBreaker(registry, "b", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("config");
        assertThatThrownBy(() -> guard.fallback(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("fallback");
        assertThatThrownBy(() -> guard.timeLimiter(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("timeLimiter");
        assertThatThrownBy(() -> guard.bulkhead(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("bulkhead");
        assertThatThrownBy(() -> guard.circuitBreaker(cb).build().ask(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("message");
    }

    @Test
    void blankBreakerNameIsRefusedWhenGiven() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

        assertThatThrownBy(() -> CircuitBreakerGuard.of(ref).circuitBreaker(registry, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be non-blank, but was ' '");
        assertThatThrownBy(() -> CircuitBreakerGuard.of(ref).circuitBreaker(registry, "", CircuitBreakerConfig.ofDefaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be non-blank, but was ''");
        assertThat(registry.getAllCircuitBreakers()).isEmpty();
    }

    @Test
    void bulkheadThatWouldBlockWaitingForAPermissionIsRefused() {
        Bulkhead waiting = Bulkhead.of("bh", BulkheadConfig.custom().maxWaitDuration(Duration.ofMillis(500)).build());

        assertThatThrownBy(() -> CircuitBreakerGuard.of(ref).bulkhead(waiting))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxWaitDuration of bulkhead 'bh' must be zero (a guarded call must not block its thread), "
                        + "but was PT0.5S");
    }

    @Test
    void buildWithoutABreakerSaysWhichMethodGivesOne() {
        assertThatThrownBy(() -> CircuitBreakerGuard.of(ref).fallback((m, e) -> Mono.just("f")).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("guard of 'root/b': a circuit breaker is required, call circuitBreaker(CircuitBreaker) "
                        + "or circuitBreaker(CircuitBreakerRegistry, String)");
    }

    @Test
    void everyMethodReturnsANewGuardSoAGuardCanBeKeptAsATemplate() {
        CircuitBreakerGuard<String, String> template = CircuitBreakerGuard.of(ref)
                .fallback((m, e) -> Mono.just("fallback"));
        CircuitBreaker other = CircuitBreaker.ofDefaults("other");

        CircuitBreakerGuard<String, String> withCb = template.circuitBreaker(cb);
        CircuitBreakerGuard<String, String> withOther = template.circuitBreaker(other);

        assertThat(withCb).isNotSameAs(template).isNotSameAs(withOther);
        assertThat(withCb.build().circuitBreaker()).isSameAs(cb);
        assertThat(withOther.build().circuitBreaker()).isSameAs(other);
        assertThatThrownBy(template::build).isInstanceOf(IllegalStateException.class);
        assertThat(template.timeLimiter(TimeLimiter.ofDefaults())).isNotSameAs(template);
        assertThat(template.bulkhead(Bulkhead.ofDefaults("bh"))).isNotSameAs(template);
        assertThat(template).hasToString("CircuitBreakerGuard[root/b, breaker none, fallback]");
        assertThat(withCb.timeLimiter(TimeLimiter.of("tl", TimeLimiterConfig.ofDefaults())).bulkhead(Bulkhead.ofDefaults("bh")))
                .hasToString("CircuitBreakerGuard[root/b, breaker 'cb', fallback, timeLimiter 'tl', bulkhead 'bh']");
    }

    @Test
    void lastBreakerGivenWins() {
        CircuitBreaker other = CircuitBreaker.ofDefaults("other");

        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(ref).circuitBreaker(cb).circuitBreaker(other).build();

        assertThat(guarded.circuitBreaker()).isSameAs(other);
        Target target = new Target(reactor.test.scheduler.VirtualTimeScheduler.getOrSet());
        try {
            CircuitBreakerGuard.of(target.ref).circuitBreaker(cb).circuitBreaker(other).build();
            cb.transitionToOpenState();
            assertThat(target.transitions()).containsExactly("other:CLOSED->CLOSED"); // only the built one is attached
        } finally {
            target.shutdown();
            reactor.test.scheduler.VirtualTimeScheduler.reset();
        }
    }

    @Test
    void registryVariantsTakeTheBreakerOfThatNameCreatingItWithTheConfigOnlyWhenAbsent() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        CircuitBreakerConfig small = CircuitBreakerConfig.custom().slidingWindowSize(3).build();
        CircuitBreakerConfig large = CircuitBreakerConfig.custom().slidingWindowSize(300).build();

        GuardedRef<String, String> first = CircuitBreakerGuard.of(ref).circuitBreaker(registry, "b", small).build();
        GuardedRef<String, String> second = CircuitBreakerGuard.of(ref).circuitBreaker(registry, "b", large).build();
        GuardedRef<String, String> third = CircuitBreakerGuard.of(ref).circuitBreaker(registry, "b").build();

        assertThat(first.circuitBreaker()).isSameAs(registry.circuitBreaker("b"))
                .isSameAs(second.circuitBreaker()).isSameAs(third.circuitBreaker());
        assertThat(first.circuitBreaker().getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(3);
        assertThat(first.ref()).isSameAs(ref);
    }

    @Test
    void guardedRefNamesItsComponentAndBreaker() {
        GuardedRef<String, String> guarded = CircuitBreakerGuard.of(ref).circuitBreaker(cb).build();

        assertThat(guarded).hasToString("GuardedRef[root/b, breaker 'cb' CLOSED]");
    }
}
