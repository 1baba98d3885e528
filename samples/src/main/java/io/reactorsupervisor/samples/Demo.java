package io.reactorsupervisor.samples;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisionEvent;

/** The one-command demo: a component crashes, restarts with fresh state, and nothing is lost. */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) {
        ComponentSpec<String, Integer> counter = ComponentSpec.<String, Integer, AtomicInteger>named("counter")
                .state(AtomicInteger::new)
                .syncHandler((count, word) -> {
                    if (word.equals("crash")) {
                        throw new IllegalStateException("asked to crash");
                    }
                    return count.incrementAndGet();
                })
                .restart(RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0))
                .limit(RestartLimit.of(5, Duration.ofSeconds(10)))
                .build();
        Supervisor root = Supervisor.named("root").child(counter).start();
        root.events().subscribe(e -> System.out.println("  event: " + describe(e)));
        ComponentRef<String, Integer> ref = root.ref(counter);

        System.out.println("a -> " + ref.ask("a").block(Duration.ofSeconds(5)));
        System.out.println("b -> " + ref.ask("b").block(Duration.ofSeconds(5)));
        ref.tell("crash");
        System.out.println("c -> " + ref.ask("c").block(Duration.ofSeconds(5)) + " (fresh state after the restart)");
        System.out.println();
        System.out.print(root.snapshot().render());
        root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }

    private static String describe(SupervisionEvent e) {
        if (e instanceof SupervisionEvent.Crashed) {
            return e.path() + " crashed: " + ((SupervisionEvent.Crashed) e).cause().getMessage();
        }
        if (e instanceof SupervisionEvent.Restarting) {
            return e.path() + " restarting in " + ((SupervisionEvent.Restarting) e).delay().toMillis() + " ms";
        }
        return e.path() + " " + e.getClass().getSimpleName().toLowerCase();
    }
}
