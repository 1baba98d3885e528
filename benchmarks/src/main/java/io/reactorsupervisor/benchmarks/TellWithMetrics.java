package io.reactorsupervisor.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.micrometer.SupervisorMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics cost: {@link TellThroughput#supervisor}'s 1 -> 1 tell, with the tree bound to a
 * Micrometer {@code SimpleMeterRegistry} by the {@code reactor-supervisor-micrometer} module
 * (a handling timer sample per message, counters and gauges read at scrape time), beside the
 * same tree without a registry, in the same run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TellThroughput.BATCH)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class TellWithMetrics {

    /** The tree without a registry ({@link TellThroughput#supervisor}'s): the baseline of this class's run. */
    @Benchmark
    public void supervisor(TellThroughput.SupervisedComponent state) {
        Components.sendBatch(state.ref, state.handled);
    }

    /** The same tree bound to a {@code SimpleMeterRegistry}, without observations. */
    @Benchmark
    public void supervisorWithMetrics(MeteredTree state) {
        Components.sendBatch(state.ref, state.handled);
    }

    @State(Scope.Benchmark)
    public static class MeteredTree {
        final HandledCounter handled = new HandledCounter();
        Supervisor root;
        ComponentRef<Tick, Void> ref;
        SupervisorMetrics.Binding binding;

        @Setup(Level.Trial)
        public void start() {
            ComponentSpec<Tick, Void> spec = Components.counting("counter", handled);
            root = Components.start("tell-metrics", spec);
            ref = root.ref(spec);
            binding = SupervisorMetrics.of(root).bindTo(new SimpleMeterRegistry());
        }

        @TearDown(Level.Trial)
        public void shutdown() {
            binding.close();
            Components.shutdown(root);
        }
    }
}
