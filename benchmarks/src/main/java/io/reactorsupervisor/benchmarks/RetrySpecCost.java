package io.reactorsupervisor.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.retry.Retry;

/**
 * What Reactor's own retry spec costs, apart from everything of this library: the price of
 * issue 12's design, in which a child's restart strategy is a {@code RetrySpec} /
 * {@code RetryBackoffSpec} with an asynchronous before-retry hook (the supervisor's admission)
 * rather than a companion of the library's own.
 *
 * <p>Two shapes of {@code retryWhen}, with nothing else around them:
 * <ul>
 * <li>{@code retrySpec}: {@code Retry.indefinitely().filter(..).doBeforeRetryAsync(..)}, the
 *     shape of {@code RestartStrategy.immediate()} in the library, its hook an empty Mono;</li>
 * <li>{@code minimalCompanion}: {@code Retry.from(signals -> signals.concatMap(..))}, the
 *     companion the core used before issue 12 (one {@code concatMap} to a Mono per retry).</li>
 * </ul>
 *
 * <p>{@code subscribe*}: one subscription of {@code Flux.empty().retryWhen(spec)} (a child started
 * and ended without a crash: what a spawn pays). {@code retry*}: a source that fails 1,000 times,
 * then completes (what each restart pays, per retry). Average time per operation, all on the
 * benchmark thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class RetrySpecCost {

    /** Failures per subscription of the {@code retry*} variants. */
    static final int RETRIES = 1_000;

    private static final RuntimeException FAILURE = BenchmarkCrash.INSTANCE;

    private final Retry retrySpec = Retry.indefinitely()
            .filter(t -> !(t instanceof IllegalStateException))
            .doBeforeRetryAsync(signal -> Mono.empty());

    private final Retry minimalCompanion = Retry.from(signals -> signals.concatMap(signal -> Mono.just(1L)));

    private final Flux<Object> empty = Flux.empty();

    /** A child started and ended, with Reactor's retry spec. */
    @Benchmark
    public long subscribeRetrySpec() {
        return subscribe(empty.retryWhen(retrySpec));
    }

    /** A child started and ended, with the pre-rebuild companion. */
    @Benchmark
    public long subscribeMinimalCompanion() {
        return subscribe(empty.retryWhen(minimalCompanion));
    }

    /** Per retry, with Reactor's retry spec. */
    @Benchmark
    @OperationsPerInvocation(RETRIES)
    public long retryRetrySpec() {
        return subscribe(failing().retryWhen(retrySpec));
    }

    /** Per retry, with the pre-rebuild companion. */
    @Benchmark
    @OperationsPerInvocation(RETRIES)
    public long retryMinimalCompanion() {
        return subscribe(failing().retryWhen(minimalCompanion));
    }

    /** A source that fails {@link #RETRIES} times, then completes. */
    private static Flux<Object> failing() {
        int[] left = {RETRIES};
        return Flux.defer(() -> left[0]-- > 0 ? Flux.error(FAILURE) : Flux.empty());
    }

    private static long subscribe(Flux<Object> flux) {
        Ending ending = new Ending();
        flux.subscribe(ending);
        if (ending.ended != 1) {
            throw new IllegalStateException("the pipeline did not complete once: " + ending.ended);
        }
        return ending.ended;
    }

    /** Counts how the pipeline ended; its Context holds one entry, as a child's does. */
    private static final class Ending implements CoreSubscriber<Object> {
        long ended;

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Object o) {
        }

        @Override
        public void onError(Throwable t) {
            throw new IllegalStateException("the pipeline failed", t);
        }

        @Override
        public void onComplete() {
            ended++;
        }

        @Override
        public Context currentContext() {
            return Context.of(Ending.class, this);
        }
    }
}
