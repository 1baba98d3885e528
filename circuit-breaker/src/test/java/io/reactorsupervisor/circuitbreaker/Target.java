package io.reactorsupervisor.circuitbreaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A supervision tree on virtual time with one component, {@code root/b}, that the tests
 * guard. Its handler counts its invocations and answers by message: {@code "crash"} crashes
 * it, {@code "slow"} answers {@code "slow"} after {@link #SLOW} of virtual time, anything
 * else {@code m} answers {@code "re:" + m} at once. It restarts at once, without limit.
 */
final class Target {

    static final Duration SLOW = Duration.ofSeconds(5);

    final VirtualTimeScheduler vts;
    final AtomicInteger invocations = new AtomicInteger();
    final Supervisor root;
    final ComponentRef<String, String> ref;
    final List<SupervisionEvent> events = new ArrayList<>();

    /** Call after {@code VirtualTimeScheduler.getOrSet()}; reset it after the test. */
    Target(VirtualTimeScheduler vts) {
        this.vts = vts;
        ComponentSpec<String, String> b = ComponentSpec.<String, String, Object>named("b")
                .state(Object::new)
                .handler((s, m) -> {
                    invocations.incrementAndGet();
                    switch (m) {
                        case "crash":
                            return Mono.error(new IllegalStateException("boom"));
                        case "slow":
                            return Mono.delay(SLOW).thenReturn("slow");
                        default:
                            return Mono.just("re:" + m);
                    }
                })
                .limit(RestartLimit.unlimited())
                .build();
        this.root = Supervisor.named("root").child(b).start();
        root.events().subscribe(events::add);
        this.ref = root.ref(b);
    }

    ComponentSnapshot snapshot() {
        return (ComponentSnapshot) root.snapshot().child("b");
    }

    /** The breaker transitions reported for {@code root/b}, as "FROM->TO". */
    List<String> transitions() {
        List<String> out = new ArrayList<>();
        for (SupervisionEvent e : events) {
            if (e instanceof SupervisionEvent.CircuitStateChanged) {
                SupervisionEvent.CircuitStateChanged c = (SupervisionEvent.CircuitStateChanged) e;
                if (c.path().equals("root/b")) {
                    out.add(c.breaker() + ":" + c.fromState() + "->" + c.toState());
                }
            }
        }
        return out;
    }

    /** Shuts the tree down on virtual time: a message still in progress gets the 1 s deadline. */
    void shutdown() {
        Mono<Void> done = root.shutdown(Duration.ofSeconds(1));
        vts.advanceTimeBy(Duration.ofSeconds(1));
        done.block(Duration.ofSeconds(5));
    }
}
