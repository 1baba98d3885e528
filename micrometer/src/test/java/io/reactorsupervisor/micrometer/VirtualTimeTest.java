package io.reactorsupervisor.micrometer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Base of tests that run a tree on virtual time and read its meters from a
 * {@link SimpleMeterRegistry} whose clock is the virtual one: every scheduler the library looks
 * up is virtual, so handlers, restart delays, timers and the event hub run on the test thread
 * when time is advanced.
 */
abstract class VirtualTimeTest {

    protected VirtualTimeScheduler vts;
    protected SimpleMeterRegistry registry;
    private final List<Supervisor> trees = new ArrayList<>();
    private final List<SupervisorMetrics.Binding> bindings = new ArrayList<>();

    @BeforeEach
    void virtualTime() {
        vts = VirtualTimeScheduler.getOrSet();
        registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, new VirtualClock());
    }

    @AfterEach
    void resetVirtualTime() {
        bindings.forEach(SupervisorMetrics.Binding::close);
        trees.forEach(t -> t.shutdown(Duration.ofSeconds(1)).subscribe());
        vts.advanceTimeBy(Duration.ofSeconds(2));
        VirtualTimeScheduler.reset();
    }

    protected Supervisor start(SupervisorSpec.Builder spec) {
        Supervisor root = spec.start();
        trees.add(root);
        return root;
    }

    protected SupervisorMetrics.Binding bind(SupervisorMetrics metrics) {
        SupervisorMetrics.Binding b = metrics.bindTo(registry);
        bindings.add(b);
        return b;
    }

    protected void advance(long millis) {
        vts.advanceTimeBy(Duration.ofMillis(millis));
    }

    /** A component that echoes its message. */
    static ComponentSpec<String, String> echo(String name) {
        return ComponentSpec.<String, String, Object>named(name).state(Object::new).handler((s, m) -> Mono.just(m))
                .build();
    }

    protected double counter(String name, String component, String... tags) {
        return registry.get(name).tag("component", component).tags(tags).functionCounter().count();
    }

    protected double gauge(String name, String component, String... tags) {
        return registry.get(name).tag("component", component).tags(tags).gauge().value();
    }

    protected Timer timer(String component, String outcome) {
        return registry.get(SupervisorMetrics.HANDLING).tag("component", component).tag("outcome", outcome).timer();
    }

    /** @return how many meters of the registry have this {@code component} tag */
    protected long meters(String component) {
        return registry.getMeters().stream().filter(m -> component.equals(m.getId().getTag("component"))).count();
    }
}
