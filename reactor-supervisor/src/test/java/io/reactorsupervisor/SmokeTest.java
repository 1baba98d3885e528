package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class SmokeTest {

    @AfterEach
    void reset() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void smoke() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.getOrSet();
        List<SupervisionEvent> events = new ArrayList<>();
        ComponentSpec<String, Integer> counter = ComponentSpec.<String, Integer, AtomicInteger>named("counter")
                .state(AtomicInteger::new)
                .syncHandler((n, m) -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return n.incrementAndGet();
                })
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .build();
        Supervisor root = Supervisor.named("root").child(counter).start();
        root.events().subscribe(events::add);
        ComponentRef<String, Integer> ref = root.ref(counter);
        assertThat(ref.ask("a").block()).isEqualTo(1);
        assertThat(ref.ask("b").block()).isEqualTo(2);
        ref.tell("boom");
        ref.tell("c");
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);
        vts.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        assertThat(ref.ask("d").block()).isEqualTo(2);
        System.out.println(root.snapshot().render());
        events.forEach(System.out::println);
        root.shutdown(Duration.ofSeconds(1)).block();
        assertThat(ref.state()).isEqualTo(ComponentState.STOPPED);
    }
}
