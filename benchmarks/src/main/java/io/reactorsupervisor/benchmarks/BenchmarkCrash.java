package io.reactorsupervisor.benchmarks;

/**
 * What a handler throws to crash its component or actor in the restart benchmarks.
 *
 * <p>One preallocated instance without a stack trace is thrown by every variant, so the
 * restart figures measure the restart machinery and not the cost of filling in a stack trace
 * (which adds roughly 0.8 us at the depth of an actor's handler).
 */
final class BenchmarkCrash extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The instance every crashing handler throws. */
    static final BenchmarkCrash INSTANCE = new BenchmarkCrash();

    private BenchmarkCrash() {
        super("crash requested by the benchmark", null, false, false);
    }
}
