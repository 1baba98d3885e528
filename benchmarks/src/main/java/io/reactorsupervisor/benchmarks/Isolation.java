package io.reactorsupervisor.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * Isolation: a healthy component's tell throughput (messages handled per second, batches of
 * {@value TellThroughput#BATCH} as in {@link TellThroughput}) while something else happens in
 * the same supervisor, against the same with nothing else happening. Each group runs two
 * threads on the same tree ({@link StormTree}: the healthy component, a sibling, 10,000 idle
 * storm components), so the three groups differ only in what the second thread does:
 *
 * <ul>
 *   <li>{@code alone}: it parks 10 us per call and sends nothing;</li>
 *   <li>{@code crashLoop}: it tells the sibling a message that crashes it, then parks 10 us:
 *       the sibling crash-loops (crash, immediate restart, crash, ...) as fast as the parks
 *       allow (its score is crashes per second);</li>
 *   <li>{@code storm}: it runs restart storms back to back ({@link RestartStorm}: 10,000
 *       components crash and restart; its score is storms per second).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class Isolation {

    /** Pause between two of the second thread's calls. */
    static final long PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(10);

    @Benchmark
    @Group("alone")
    @GroupThreads(1)
    @OperationsPerInvocation(TellThroughput.BATCH)
    public void aloneHealthy(Tree state) {
        Components.sendBatch(state.tree.healthy, state.tree.healthyHandled);
    }

    @Benchmark
    @Group("alone")
    @GroupThreads(1)
    public void aloneIdle(Tree state) {
        LockSupport.parkNanos(PAUSE_NANOS);
    }

    @Benchmark
    @Group("crashLoop")
    @GroupThreads(1)
    @OperationsPerInvocation(TellThroughput.BATCH)
    public void crashLoopHealthy(Tree state) {
        Components.sendBatch(state.tree.healthy, state.tree.healthyHandled);
    }

    @Benchmark
    @Group("crashLoop")
    @GroupThreads(1)
    public void crashLoopSibling(Tree state) {
        Components.tell(state.tree.sibling, StormTree.Command.CRASH);
        state.tree.siblingCrashes++;
        LockSupport.parkNanos(PAUSE_NANOS);
    }

    @Benchmark
    @Group("storm")
    @GroupThreads(1)
    @OperationsPerInvocation(TellThroughput.BATCH)
    public void stormHealthy(Tree state) {
        Components.sendBatch(state.tree.healthy, state.tree.healthyHandled);
    }

    @Benchmark
    @Group("storm")
    @GroupThreads(1)
    public void stormStorms(Tree state) {
        state.tree.storm();
    }

    @State(Scope.Group)
    public static class Tree {
        StormTree tree;

        @Setup(Level.Trial)
        public void start() {
            tree = new StormTree("isolation");
        }

        @TearDown(Level.Trial)
        public void shutdown() {
            tree.shutdownAndVerify();
        }
    }
}
