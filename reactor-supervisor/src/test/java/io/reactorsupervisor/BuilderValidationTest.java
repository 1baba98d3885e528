package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every builder argument is checked when it is given; the message names the parameter, the range and the value. */
class BuilderValidationTest {

    private static final Duration ZERO = Duration.ZERO;
    private static final Duration NEG = Duration.ofSeconds(-1);
    private static final Duration ONE = Duration.ofSeconds(1);

    private static ComponentSpec.Builder<String, String, AtomicInteger> component() {
        return ComponentSpec.named("c");
    }

    private static Arguments bad(String what, Class<? extends Throwable> type, String message, ThrowingCallable call) {
        return Arguments.of(what, type, message, call);
    }

    static Stream<Arguments> invalidArguments() {
        return Stream.of(
                bad("delayed zero", IllegalArgumentException.class, "delay must be positive and at most 36500 days (100 years), but was PT0S",
                        () -> RestartStrategy.delayed(ZERO)),
                bad("delayed null", NullPointerException.class, "delay", () -> RestartStrategy.delayed(null)),
                bad("backoff initial negative", IllegalArgumentException.class,
                        "initial must be positive and at most 36500 days (100 years), but was PT-1S",
                        () -> RestartStrategy.exponentialBackoff(NEG, ONE, 2.0)),
                bad("backoff max zero", IllegalArgumentException.class, "max must be positive and at most 36500 days (100 years), but was PT0S",
                        () -> RestartStrategy.exponentialBackoff(ONE, ZERO, 2.0)),
                bad("backoff max below initial", IllegalArgumentException.class,
                        "max must be >= initial (PT1S), but was PT0.5S",
                        () -> RestartStrategy.exponentialBackoff(ONE, Duration.ofMillis(500), 2.0)),
                bad("backoff multiplier below 1", IllegalArgumentException.class,
                        "multiplier must be >= 1.0 and finite, but was 0.5",
                        () -> RestartStrategy.exponentialBackoff(ONE, ONE, 0.5)),
                bad("backoff multiplier NaN", IllegalArgumentException.class,
                        "multiplier must be >= 1.0 and finite, but was NaN",
                        () -> RestartStrategy.exponentialBackoff(ONE, ONE, Double.NaN)),
                bad("backoff multiplier infinite", IllegalArgumentException.class,
                        "multiplier must be >= 1.0 and finite, but was Infinity",
                        () -> RestartStrategy.exponentialBackoff(ONE, ONE, Double.POSITIVE_INFINITY)),
                bad("jitter above 1", IllegalArgumentException.class, "jitter must be between 0.0 and 1.0, but was 1.5",
                        () -> RestartStrategy.delayed(ONE).withJitter(1.5)),
                bad("jitter negative", IllegalArgumentException.class,
                        "jitter must be between 0.0 and 1.0, but was -0.1",
                        () -> RestartStrategy.delayed(ONE).withJitter(-0.1)),
                bad("resetAfter zero", IllegalArgumentException.class, "resetAfter must be positive and at most 36500 days (100 years), but was PT0S",
                        () -> RestartStrategy.exponentialBackoff(ONE, ONE, 2.0).withResetAfter(ZERO)),
                bad("scheduler null", NullPointerException.class, "scheduler",
                        () -> RestartStrategy.immediate().withScheduler(null)),
                bad("limit negative restarts", IllegalArgumentException.class, "maxRestarts must be >= 0, but was -1",
                        () -> RestartLimit.of(-1, ONE)),
                bad("limit negative window", IllegalArgumentException.class, "within must be positive and at most 36500 days (100 years), but was PT-1S",
                        () -> RestartLimit.of(3, NEG)),
                bad("mailbox capacity zero", IllegalArgumentException.class, "capacity must be >= 1, but was 0",
                        () -> Mailbox.bounded(0)),
                bad("health interval zero", IllegalArgumentException.class, "interval must be at least PT0.01S and at most 36500 days (100 years), but was PT0S",
                        () -> HealthCheck.every(ZERO)),
                bad("health timeout negative", IllegalArgumentException.class,
                        "timeout must be positive and at most 36500 days (100 years), but was PT-1S", () -> HealthCheck.every(ONE).withTimeout(NEG)),
                bad("health unhealthyAfter zero", IllegalArgumentException.class,
                        "unhealthyAfter must be >= 1, but was 0", () -> HealthCheck.every(ONE).withUnhealthyAfter(0)),
                bad("component name blank", IllegalArgumentException.class,
                        "name must be non-blank and must not contain '/', but was ' '", () -> ComponentSpec.named(" ")),
                bad("component name with slash", IllegalArgumentException.class,
                        "name must be non-blank and must not contain '/', but was 'a/b'",
                        () -> ComponentSpec.named("a/b")),
                bad("component name null", NullPointerException.class, "name", () -> ComponentSpec.named(null)),
                bad("state null", NullPointerException.class, "stateFactory", () -> component().state(null)),
                bad("handler null", NullPointerException.class, "handler", () -> component().handler(null)),
                bad("sync handler null", NullPointerException.class, "handler", () -> component().syncHandler(null)),
                bad("redeliveries negative", IllegalArgumentException.class, "redeliveries must be >= 0, but was -1",
                        () -> component().redeliveries(-1)),
                bad("processing timeout zero", IllegalArgumentException.class,
                        "processingTimeout must be positive and at most 36500 days (100 years), but was PT0S", () -> component().processingTimeout(ZERO)),
                bad("restart null", NullPointerException.class, "strategy", () -> component().restart(null)),
                bad("limit null", NullPointerException.class, "limit", () -> component().limit(null)),
                bad("policy null", NullPointerException.class, "policy", () -> component().policy(null)),
                bad("mailbox null", NullPointerException.class, "mailbox", () -> component().mailbox(null)),
                bad("no state", IllegalStateException.class,
                        "component 'c': state is required, call state(Supplier) (the factory of a fresh state for "
                                + "every incarnation)",
                        () -> component().syncHandler((s, m) -> m).build()),
                bad("no handler", IllegalStateException.class,
                        "component 'c': a handler is required, call handler(BiFunction) or syncHandler(BiFunction)",
                        () -> component().state(AtomicInteger::new).build()),
                bad("probe without check", IllegalStateException.class,
                        "component 'c': healthProbe needs a healthCheck (the interval, timeout and threshold of the "
                                + "probe)",
                        () -> component().state(AtomicInteger::new).syncHandler((s, m) -> m)
                                .healthProbe(s -> reactor.core.publisher.Mono.just(true)).build()),
                bad("blocking and scheduler", IllegalStateException.class,
                        "component 'c': blocking() and scheduler(Scheduler) conflict, choose one",
                        () -> component().state(AtomicInteger::new).syncHandler((s, m) -> m).blocking()
                                .scheduler(reactor.core.scheduler.Schedulers.single()).build()),
                bad("supervisor duplicate child", IllegalArgumentException.class,
                        "child name must be unique within supervisor 'root', but 'c' was given twice",
                        () -> Supervisor.named("root").child(echo("c")).child(echo("c"))),
                bad("supervisor too many children", IllegalArgumentException.class,
                        "supervisor 'root' holds at most 1 children, but 'd' would be child 2",
                        () -> Supervisor.named("root").maxChildren(1).child(echo("c")).child(echo("d"))),
                bad("supervisor maxChildren zero", IllegalArgumentException.class,
                        "maxChildren must be >= 1, but was 0", () -> Supervisor.named("root").maxChildren(0)),
                bad("supervisor strategy null", NullPointerException.class, "strategy",
                        () -> Supervisor.named("root").strategy(null)),
                bad("supervisor intensity null", NullPointerException.class, "intensity",
                        () -> Supervisor.named("root").intensity(null)));
    }

    static ComponentSpec<String, String> echo(String name) {
        return ComponentSpec.<String, String, Object>named(name).state(Object::new).syncHandler((s, m) -> m).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidArguments")
    void invalidArgumentIsRefusedWithAClearMessage(String what, Class<? extends Throwable> type, String message,
            ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(type).hasMessage(message);
    }
}
