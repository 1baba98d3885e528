package io.reactorsupervisor.samples.web;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.reactorsupervisor.micrometer.SupervisorMetrics;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * The charts' data: every step, reads the tree's counters from the application's
 * {@link MeterRegistry} (the Micrometer module's meters, the ones Prometheus scrapes) and keeps
 * the rate of each, per component, over the last {@code capacity} steps.
 *
 * <p>A rate is the counter's increase since the previous sample over the time between the
 * two. A counter that went down (a component removed and added again) counts as a restart of
 * the counter: its rate for that step is its new value over the step. A component that appears
 * later has zeros before it appeared. Not thread-safe on its own: {@link #sample(long)} and
 * {@link #view()} synchronize on this.
 */
final class MetricsHistory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHistory.class);

    /** The four charts, each the rate of a counter of the Micrometer module, by its meter name. */
    static final Map<String, String> SERIES = Map.of(
            "handled", SupervisorMetrics.HANDLED,
            "crashes", SupervisorMetrics.CRASHES,
            "restarts", SupervisorMetrics.RESTARTS,
            "deadLetters", SupervisorMetrics.DEAD_LETTERS);

    private final MeterRegistry registry;
    private final int capacity;
    /** Epoch seconds (fractional) of each sample kept, oldest first. */
    private final ArrayDeque<Double> times = new ArrayDeque<>();
    /** Series name -> component path -> rate per sample, aligned with {@link #times}. */
    private final Map<String, Map<String, ArrayDeque<Double>>> rates = new LinkedHashMap<>();
    /** Series name -> component path -> the counter's value at the previous sample. */
    private final Map<String, Map<String, Double>> previous = new HashMap<>();
    private long previousMillis = -1;
    private @Nullable Disposable ticks;

    MetricsHistory(MeterRegistry registry, int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2, but was " + capacity);
        }
        this.registry = registry;
        this.capacity = capacity;
        for (String series : SERIES.keySet()) {
            rates.put(series, new LinkedHashMap<>());
            previous.put(series, new HashMap<>());
        }
    }

    /**
     * Samples every {@code step} on {@code scheduler} until closed.
     *
     * @return this
     */
    MetricsHistory start(Duration step, Scheduler scheduler) {
        ticks = Flux.interval(Duration.ZERO, step, scheduler)
                .subscribe(i -> {
                    try {
                        sample(scheduler.now(TimeUnit.MILLISECONDS));
                    } catch (RuntimeException e) { // a meter that throws: this sample is lost, not the next ones
                        LOG.warn("the dashboard's metrics history lost a sample", e);
                    }
                }, e -> LOG.warn("the dashboard's metrics history stopped", e));
        return this;
    }

    /** Reads the counters now and appends one sample (the first only sets the baseline). */
    synchronized void sample(long nowMillis) {
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> s : SERIES.entrySet()) {
            values.put(s.getKey(), read(s.getValue()));
        }
        if (previousMillis < 0 || nowMillis <= previousMillis) {
            previousMillis = nowMillis;
            values.forEach((series, byPath) -> previous.get(series).putAll(byPath));
            return;
        }
        double seconds = (nowMillis - previousMillis) / 1000.0;
        times.addLast(nowMillis / 1000.0);
        for (Map.Entry<String, Map<String, Double>> s : values.entrySet()) {
            Map<String, ArrayDeque<Double>> bySeries = rates.get(s.getKey());
            Map<String, Double> before = previous.get(s.getKey());
            for (Map.Entry<String, Double> c : s.getValue().entrySet()) {
                bySeries.computeIfAbsent(c.getKey(), path -> zeros(times.size() - 1));
            }
            for (Map.Entry<String, ArrayDeque<Double>> c : bySeries.entrySet()) {
                Double now = s.getValue().get(c.getKey());
                Double was = before.get(c.getKey());
                double delta = now == null ? 0 : was == null || now < was ? now : now - was;
                c.getValue().addLast(delta / seconds);
            }
            before.clear();
            before.putAll(s.getValue());
        }
        while (times.size() > capacity) {
            times.removeFirst();
            for (Map<String, ArrayDeque<Double>> bySeries : rates.values()) {
                bySeries.values().forEach(ArrayDeque::removeFirst);
            }
        }
        previousMillis = nowMillis;
    }

    /** The counters of one name, summed per component (dead letters come one per reason). */
    private Map<String, Double> read(String name) {
        Map<String, Double> byPath = new HashMap<>();
        for (Meter meter : registry.find(name).meters()) {
            String path = meter.getId().getTag("component");
            if (path == null || !(meter instanceof FunctionCounter || meter instanceof Counter)) {
                continue;
            }
            double v = meter instanceof FunctionCounter ? ((FunctionCounter) meter).count()
                    : ((Counter) meter).count();
            if (Double.isFinite(v)) {
                byPath.merge(path, v, Double::sum);
            }
        }
        return byPath;
    }

    private static ArrayDeque<Double> zeros(int n) {
        ArrayDeque<Double> d = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            d.addLast(0.0);
        }
        return d;
    }

    /** @return the samples kept, as the page's charts read them */
    MetricsView view() {
        return view(Double.NEGATIVE_INFINITY);
    }

    /**
     * @param since only the samples taken after this time, in seconds since the epoch: a page
     *     that has the earlier ones asks for the new ones only
     * @return those samples, for every component known
     */
    synchronized MetricsView view(double since) {
        int skip = 0;
        for (double t : times) {
            if (t > since) {
                break;
            }
            skip++;
        }
        TreeSet<String> components = new TreeSet<>();
        rates.values().forEach(bySeries -> components.addAll(bySeries.keySet()));
        Map<String, Map<String, List<Double>>> series = new LinkedHashMap<>();
        for (String name : List.of("handled", "crashes", "restarts", "deadLetters")) {
            Map<String, List<Double>> byPath = new LinkedHashMap<>();
            for (String path : components) {
                ArrayDeque<Double> r = rates.get(name).get(path);
                List<Double> values = new ArrayList<>(times.size() - skip);
                int i = 0;
                for (double v : r == null ? zeros(times.size()) : r) {
                    if (i++ >= skip) {
                        values.add(Math.round(v * 1000) / 1000.0); // a thousandth per second is enough for a chart
                    }
                }
                byPath.put(path, values);
            }
            series.put(name, byPath);
        }
        List<Double> kept = new ArrayList<>(times).subList(skip, times.size());
        return new MetricsView(new ArrayList<>(kept), new ArrayList<>(components), series);
    }

    @Override
    public void close() {
        Disposable d = ticks;
        if (d != null) {
            d.dispose();
        }
    }
}
