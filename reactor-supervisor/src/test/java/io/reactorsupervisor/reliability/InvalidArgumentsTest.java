package io.reactorsupervisor.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.GuardReports;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid argument that {@code BuilderValidationTest} does not already cover, in one
 * table: the builders of supervisors, health checks, limits and strategies, and the run-time
 * API of a running tree (refs, child management, shutdown, circuit reports). Each is refused
 * when given, with the exact message; none disturbs the running tree.
 */
class InvalidArgumentsTest {

    private static final Duration ZERO = Duration.ZERO;
    private static final Duration NEG = Duration.ofMillis(-5);
    private static final Duration ONE = Duration.ofSeconds(1);

    private static final ComponentSpec<String, String> ECHO = echo("echo");
    private static final ComponentSpec<String, String> STRANGER = echo("stranger");
    private static Supervisor tree;

    static ComponentSpec<String, String> echo(String name) {
        return ComponentSpec.<String, String, Object>named(name).state(Object::new).syncHandler((s, m) -> m).build();
    }

    @BeforeAll
    static void startTree() {
        tree = Supervisor.named("root").maxChildren(3).child(ECHO).child(Supervisor.named("api").child(echo("inner")))
                .start();
    }

    @AfterAll
    static void stopTree() {
        tree.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }

    private static Arguments bad(String what, Class<? extends Throwable> type, String message, ThrowingCallable call) {
        return Arguments.of(what, type, message, call);
    }

    private static ComponentSpec.Builder<String, String, AtomicInteger> component() {
        return ComponentSpec.named("c");
    }

    static Stream<Arguments> builderArguments() {
        return Stream.of(
                // RestartStrategy
                bad("delayed negative", IllegalArgumentException.class, "delay must be positive and at most 36500 days (100 years), but was PT-0.005S",
                        () -> RestartStrategy.delayed(NEG)),
                bad("backoff initial null", NullPointerException.class, "initial",
                        () -> RestartStrategy.exponentialBackoff(null, ONE, 2.0)),
                bad("backoff max null", NullPointerException.class, "max",
                        () -> RestartStrategy.exponentialBackoff(ONE, null, 2.0)),
                bad("backoff initial zero", IllegalArgumentException.class, "initial must be positive and at most 36500 days (100 years), but was PT0S",
                        () -> RestartStrategy.exponentialBackoff(ZERO, ONE, 2.0)),
                bad("backoff max negative", IllegalArgumentException.class, "max must be positive and at most 36500 days (100 years), but was PT-0.005S",
                        () -> RestartStrategy.exponentialBackoff(ONE, NEG, 2.0)),
                bad("backoff multiplier negative infinity", IllegalArgumentException.class,
                        "multiplier must be >= 1.0 and finite, but was -Infinity",
                        () -> RestartStrategy.exponentialBackoff(ONE, ONE, Double.NEGATIVE_INFINITY)),
                bad("backoff multiplier zero", IllegalArgumentException.class,
                        "multiplier must be >= 1.0 and finite, but was 0.0",
                        () -> RestartStrategy.exponentialBackoff(ONE, ONE, 0.0)),
                bad("jitter NaN", IllegalArgumentException.class, "jitter must be between 0.0 and 1.0, but was NaN",
                        () -> RestartStrategy.delayed(ONE).withJitter(Double.NaN)),
                bad("jitter on backoff above 1", IllegalArgumentException.class,
                        "jitter must be between 0.0 and 1.0, but was 1.0000001",
                        () -> RestartStrategy.exponentialBackoff(ONE, ONE, 2.0).withJitter(1.0000001)),
                bad("resetAfter negative", IllegalArgumentException.class,
                        "resetAfter must be positive and at most 36500 days (100 years), but was PT-0.005S",
                        () -> RestartStrategy.exponentialBackoff(ONE, ONE, 2.0).withResetAfter(NEG)),
                bad("resetAfter null", NullPointerException.class, "resetAfter",
                        () -> RestartStrategy.exponentialBackoff(ONE, ONE, 2.0).withResetAfter(null)),
                bad("delay of a negative attempt", IllegalArgumentException.class,
                        "attempt must be >= 0, but was -3", () -> RestartStrategy.delayed(ONE).delay(-3)),
                // RestartLimit
                bad("limit negative restarts", IllegalArgumentException.class,
                        "maxRestarts must be >= 0, but was -1", () -> RestartLimit.of(-1, ONE)),
                bad("limit window null", NullPointerException.class, "within", () -> RestartLimit.of(1, null)),
                bad("limit window zero", IllegalArgumentException.class, "within must be positive and at most 36500 days (100 years), but was PT0S",
                        () -> RestartLimit.of(1, ZERO)),
                // Mailbox
                bad("mailbox capacity negative", IllegalArgumentException.class,
                        "capacity must be >= 1, but was -10", () -> Mailbox.bounded(-10)),
                bad("mailbox capacity min int", IllegalArgumentException.class,
                        "capacity must be >= 1, but was -2147483648", () -> Mailbox.bounded(Integer.MIN_VALUE)),
                // HealthCheck
                bad("health interval null", NullPointerException.class, "interval", () -> HealthCheck.every(null)),
                bad("health interval negative", IllegalArgumentException.class,
                        "interval must be at least PT0.01S and at most 36500 days (100 years), but was PT-0.005S", () -> HealthCheck.every(NEG)),
                bad("health timeout zero", IllegalArgumentException.class, "timeout must be positive and at most 36500 days (100 years), but was PT0S",
                        () -> HealthCheck.every(ONE).withTimeout(ZERO)),
                bad("health timeout null", NullPointerException.class, "timeout",
                        () -> HealthCheck.every(ONE).withTimeout(null)),
                bad("health unhealthyAfter negative", IllegalArgumentException.class,
                        "unhealthyAfter must be >= 1, but was -2", () -> HealthCheck.every(ONE).withUnhealthyAfter(-2)),
                // ComponentSpec.Builder options not covered elsewhere
                bad("component name empty", IllegalArgumentException.class,
                        "name must be non-blank and must not contain '/', but was ''", () -> ComponentSpec.named("")),
                bad("component name only a slash", IllegalArgumentException.class,
                        "name must be non-blank and must not contain '/', but was '/'", () -> ComponentSpec.named("/")),
                bad("healthCheck null", NullPointerException.class, "healthCheck", () -> component().healthCheck(null)),
                bad("healthProbe null", NullPointerException.class, "probe", () -> component().healthProbe(null)),
                bad("component scheduler null", NullPointerException.class, "scheduler",
                        () -> component().scheduler(null)),
                bad("processing timeout null", NullPointerException.class, "processingTimeout",
                        () -> component().processingTimeout(null)),
                bad("processing timeout negative", IllegalArgumentException.class,
                        "processingTimeout must be positive and at most 36500 days (100 years), but was PT-0.005S",
                        () -> component().processingTimeout(NEG)),
                bad("redeliveries min int", IllegalArgumentException.class,
                        "redeliveries must be >= 0, but was -2147483648",
                        () -> component().redeliveries(Integer.MIN_VALUE)),
                // SupervisorSpec.Builder
                bad("supervisor name null", NullPointerException.class, "name", () -> Supervisor.named(null)),
                bad("supervisor name blank", IllegalArgumentException.class,
                        "name must be non-blank and must not contain '/', but was '\t'", () -> Supervisor.named("\t")),
                bad("supervisor name with slash", IllegalArgumentException.class,
                        "name must be non-blank and must not contain '/', but was 'a/b'",
                        () -> SupervisorSpec.named("a/b")),
                bad("supervisor child null", NullPointerException.class, "child",
                        () -> Supervisor.named("root").child((io.reactorsupervisor.ChildSpec) null)),
                bad("supervisor child builder null", NullPointerException.class, "child",
                        () -> Supervisor.named("root").child((SupervisorSpec.Builder) null)),
                bad("supervisor nested child with a sibling's name", IllegalArgumentException.class,
                        "child name must be unique within supervisor 'root', but 'c' was given twice",
                        () -> Supervisor.named("root").child(echo("c")).child(Supervisor.named("c"))),
                bad("supervisor maxChildren below children already added", IllegalArgumentException.class,
                        "maxChildren must be >= 2, but was 1",
                        () -> Supervisor.named("root").child(echo("a")).child(echo("b")).maxChildren(1)),
                bad("supervisor maxChildren negative", IllegalArgumentException.class,
                        "maxChildren must be >= 1, but was -1", () -> Supervisor.named("root").maxChildren(-1)),
                bad("supervisor restart null", NullPointerException.class, "strategy",
                        () -> Supervisor.named("root").restart(null)),
                bad("supervisor limit null", NullPointerException.class, "limit",
                        () -> Supervisor.named("root").limit(null)),
                bad("supervisor policy null", NullPointerException.class, "policy",
                        () -> Supervisor.named("root").policy(null)));
    }

    static Stream<Arguments> runtimeArguments() {
        Function<String, ComponentRef<String, String>> ref = path -> tree.ref(path);
        return Stream.of(
                bad("ref of a spec it was not started from", IllegalArgumentException.class,
                        "no component started from spec 'stranger' under 'root'", () -> tree.ref(STRANGER)),
                bad("ref of a null spec", NullPointerException.class, "spec",
                        () -> tree.ref((ComponentSpec<String, String>) null)),
                bad("ref of a null path", NullPointerException.class, "relativePath", () -> tree.ref((String) null)),
                bad("ref of an unknown path", IllegalArgumentException.class, "no child 'nope' under 'root'",
                        () -> ref.apply("nope")),
                bad("ref of an empty path", IllegalArgumentException.class, "no child '' under 'root'",
                        () -> ref.apply("")),
                bad("ref of a path through a component", IllegalArgumentException.class,
                        "no child 'echo/deeper' under 'root'", () -> ref.apply("echo/deeper")),
                bad("ref of a path with a trailing slash", IllegalArgumentException.class,
                        "no child 'api/' under 'root'", () -> ref.apply("api/")),
                bad("ref of a supervisor", IllegalArgumentException.class,
                        "'root/api' is a supervisor, not a component", () -> ref.apply("api")),
                bad("supervisor of a component", IllegalArgumentException.class,
                        "'root/echo' is a component, not a supervisor", () -> tree.supervisor("echo")),
                bad("supervisor of an unknown path", IllegalArgumentException.class,
                        "no child 'api/nope' under 'root'", () -> tree.supervisor("api/nope")),
                bad("startChild null", NullPointerException.class, "child", () -> tree.startChild(null)),
                bad("startChild with a taken name", IllegalArgumentException.class,
                        "child name must be unique within supervisor 'root', but 'echo' is taken",
                        () -> tree.startChild(echo("echo"))),
                bad("startChild past maxChildren", IllegalArgumentException.class,
                        "supervisor 'root' holds at most 3 children, but 'fourth' would be child 4",
                        () -> {
                            tree.startChild(echo("third"));
                            tree.startChild(echo("fourth"));
                        }),
                bad("stopChild unknown", IllegalArgumentException.class,
                        "supervisor 'root' has no child named 'nope'", () -> tree.stopChild("nope", ONE)),
                bad("stopChild null name", NullPointerException.class, "name", () -> tree.stopChild(null, ONE)),
                bad("stopChild zero deadline", IllegalArgumentException.class,
                        "deadline must be positive and at most 36500 days (100 years), but was PT0S", () -> tree.stopChild("echo", ZERO)),
                bad("restartChild unknown", IllegalArgumentException.class,
                        "supervisor 'root' has no child named 'nope'", () -> tree.restartChild("nope")),
                bad("removeChild unknown", IllegalArgumentException.class,
                        "supervisor 'root' has no child named 'nope'", () -> tree.removeChild("nope", ONE)),
                bad("removeChild negative deadline", IllegalArgumentException.class,
                        "deadline must be positive and at most 36500 days (100 years), but was PT-0.005S", () -> tree.removeChild("echo", NEG)),
                bad("shutdown zero deadline", IllegalArgumentException.class,
                        "deadline must be positive and at most 36500 days (100 years), but was PT0S", () -> tree.shutdown(ZERO)),
                bad("shutdown null deadline", NullPointerException.class, "deadline", () -> tree.shutdown(null)),
                bad("nested shutdown negative deadline", IllegalArgumentException.class,
                        "deadline must be positive and at most 36500 days (100 years), but was PT-0.005S", () -> tree.supervisor("api").shutdown(NEG)),
                bad("guard report without ref", NullPointerException.class, "ref",
                        () -> GuardReports.stateChanged(null, "b", "CLOSED", "OPEN")),
                bad("guard report without guard", NullPointerException.class, "guard",
                        () -> GuardReports.stateChanged(tree.ref(ECHO), null, "CLOSED", "OPEN")),
                bad("guard report without target state", NullPointerException.class, "toState",
                        () -> GuardReports.stateChanged(tree.ref(ECHO), "b", "CLOSED", null)),
                bad("guard report without source state", NullPointerException.class, "fromState",
                        () -> GuardReports.stateChanged(tree.ref(ECHO), "b", null, "OPEN")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builderArguments")
    void anInvalidBuilderArgumentIsRefusedWithAClearMessage(String what, Class<? extends Throwable> type,
            String message, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(type).hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimeArguments")
    void anInvalidRuntimeArgumentIsRefusedWithAClearMessageAndTheTreeRunsOn(String what,
            Class<? extends Throwable> type, String message, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(type).hasMessage(message);
        assertThat(tree.snapshot().state()).isEqualTo(ComponentState.RUNNING);
        assertThat(tree.ref(ECHO).ask("still here").block(Duration.ofSeconds(5))).isEqualTo("still here");
    }
}
