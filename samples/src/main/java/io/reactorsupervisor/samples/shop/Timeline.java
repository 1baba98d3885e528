package io.reactorsupervisor.samples.shop;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.reactorsupervisor.SupervisionEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;

/**
 * Prints the demo's live timeline: one line per event or action, with the time since the
 * start, the state of the pricing breaker, the path and what happened.
 *
 * <pre>
 *    time  breaker    component             what happened
 *   2.013s CLOSED     shop/pipeline/store   crashed on "20,KIWI,1,50,quoted": IllegalStateException: ...
 * </pre>
 */
public final class Timeline {

    private final PrintStream out;
    private final Shop shop;
    private final long startMillis;
    private final Set<String> restarting = new HashSet<>();
    private final Set<String> restartedByHand = new HashSet<>();
    private @Nullable String lastRestarting;

    /**
     * @param out where to print
     * @param shop the shop whose breaker state to show
     * @param startMillis time zero, on the clock of {@code Schedulers.parallel()}
     */
    public Timeline(PrintStream out, Shop shop, long startMillis) {
        this.out = out;
        this.shop = shop;
        this.startMillis = startMillis;
    }

    /** @return now on the tree's clock ({@code Schedulers.parallel()}'s), in milliseconds */
    public static long now() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    /** Prints the header. */
    public synchronized void header() {
        out.printf("%8s  %-9s  %-21s %s%n", "time", "breaker", "component", "what happened");
    }

    /**
     * Prints an event.
     *
     * @param event the event
     */
    public synchronized void event(SupervisionEvent event) {
        String what = Describe.event(event);
        String path = event.path();
        if (event instanceof SupervisionEvent.Restarting) {
            restarting.add(path);
            lastRestarting = path;
        } else if (event instanceof SupervisionEvent.Restarted && !restarting.remove(path)) {
            what += restartedByHand.remove(path) ? ", by restartChild"
                    : ", with " + lastRestarting + " (its supervisor's strategy)";
        }
        String breaker = event instanceof SupervisionEvent.CircuitStateChanged
                ? ((SupervisionEvent.CircuitStateChanged) event).toState()
                : shop.breaker().getState().name();
        line(event.timestamp().toEpochMilli(), breaker, path, what);
    }

    /**
     * Prints something the scenario did: a fault it injected, an operator's action.
     *
     * @param who who acted, for example "fault" or "operator"
     * @param what what was done
     */
    public synchronized void action(String who, String what) {
        line(now(), shop.breaker().getState().name(), ">> " + who, what);
    }

    /**
     * The next restart of {@code path} is made by hand.
     *
     * @param path a component's path
     */
    public synchronized void restartByHand(String path) {
        restartedByHand.add(path);
    }

    private void line(long atMillis, String breaker, String path, String what) {
        out.printf("%7.3fs  %-9s  %-21s %s%n", (atMillis - startMillis) / 1000.0, breaker, path, what);
    }
}
