package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Base of tests that run a tree on virtual time: every scheduler the library looks up is
 * the virtual one, so handlers, restart delays and timers run on the test thread when time
 * is advanced.
 */
public abstract class VirtualTimeTest {

    protected VirtualTimeScheduler vts;
    protected final List<SupervisionEvent> events = new CopyOnWriteArrayList<>();
    private final List<Disposable> subscriptions = new ArrayList<>();
    private final List<Supervisor> trees = new ArrayList<>();

    @BeforeEach
    void virtualTime() {
        vts = VirtualTimeScheduler.getOrSet();
    }

    @AfterEach
    void resetVirtualTime() {
        subscriptions.forEach(Disposable::dispose);
        trees.forEach(t -> t.shutdown(Duration.ofSeconds(1)).subscribe());
        vts.advanceTimeBy(Duration.ofSeconds(2));
        VirtualTimeScheduler.reset();
    }

    /** Starts a tree and records its events from the first one. */
    protected Supervisor start(SupervisorSpec.Builder spec) {
        Supervisor root = spec.start();
        trees.add(root);
        subscriptions.add(root.events().subscribe(events::add));
        return root;
    }

    protected void advance(Duration d) {
        vts.advanceTimeBy(d);
    }

    protected void advance(long millis) {
        vts.advanceTimeBy(Duration.ofMillis(millis));
    }

    protected <T extends SupervisionEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    protected <T extends SupervisionEvent> List<T> events(Class<T> type, String path) {
        return events(type).stream().filter(e -> e.path().equals(path)).collect(Collectors.toList());
    }

    /** Event kinds for one path, as short names: "Started", "Crashed", ... */
    protected List<String> kinds(String path) {
        return events.stream().filter(e -> e.path().equals(path)).map(e -> e.getClass().getSimpleName())
                .collect(Collectors.toList());
    }

    /** Sends a message that crashes the component and measures, in virtual ms, how long it stays RESTARTING. */
    protected long crashAndMeasureRestart(ComponentRef<String, String> ref, String message) {
        ref.tell(message);
        long waited = 0;
        while (ref.state() == ComponentState.RESTARTING) {
            advance(1);
            waited++;
        }
        return waited;
    }
}
