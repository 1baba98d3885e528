package io.reactorsupervisor.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Restart storm: {@value StormTree#STORM_SIZE} components of one supervisor crash at once; the
 * time until every one of them has handled a message again (a new incarnation each). One
 * operation: tell each a crash message, then each a message, and wait until all
 * {@value StormTree#STORM_SIZE} messages have been handled. The trial checks one new
 * incarnation per crash. A healthy sibling's throughput during storms is
 * {@link Isolation#storm}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class RestartStorm {

    /** The library: 10,000 crashes, restarts and handled messages. */
    @Benchmark
    public void supervisor(Tree state) {
        state.tree.storm();
    }

    @State(Scope.Benchmark)
    public static class Tree {
        StormTree tree;

        @Setup(Level.Trial)
        public void start() {
            tree = new StormTree("restart-storm");
        }

        @TearDown(Level.Trial)
        public void shutdown() {
            tree.shutdownAndVerify();
        }
    }
}
