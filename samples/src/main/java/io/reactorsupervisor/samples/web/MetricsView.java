package io.reactorsupervisor.samples.web;

import java.util.List;
import java.util.Map;

/**
 * The charts' data as JSON ({@code GET /api/metrics}): per-second rates of the tree's counters,
 * per component, one value per sample.
 *
 * @param times when each sample was taken, in seconds since the epoch, oldest first
 * @param components the components' paths, sorted
 * @param series {@code handled}, {@code crashes}, {@code restarts} and {@code deadLetters}, each
 *     by component path: the counter's rate per second over the step that ends at each time
 */
public record MetricsView(List<Double> times, List<String> components, Map<String, Map<String, List<Double>>> series) {
}
