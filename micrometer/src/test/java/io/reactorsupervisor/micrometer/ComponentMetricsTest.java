package io.reactorsupervisor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Directive;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.NormalExit;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartPolicy;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The meters of each component read exact values, on virtual time. */
class ComponentMetricsTest extends VirtualTimeTest {

    private static final String[] STATES = {"starting", "running", "restarting", "stopping", "stopped", "failed"};
    private static final String[] REASONS = {"crashed", "rejected", "too_large", "component_failed", "component_stopped",
            "shut_down", "mailbox_full"};

    /**
     * Each message takes 100 ms, then: "crash" fails (a restart), "bad" fails with an
     * IllegalArgumentException (RESUME: rejected), "exit" ends the incarnation normally, anything
     * else is echoed.
     */
    private static ComponentSpec.Builder<String, String, Object> worker(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .handler((s, m) -> Mono.delay(Duration.ofMillis(100)).then(Mono.defer(() -> {
                    switch (m) {
                        case "crash":
                            return Mono.error(new IllegalStateException("crash"));
                        case "bad":
                            return Mono.error(new IllegalArgumentException("bad"));
                        case "exit":
                            return Mono.error(new NormalExit());
                        default:
                            return Mono.just(m);
                    }
                })))
                .onFailure(IllegalArgumentException.class, Directive.RESUME)
                .restart(RestartStrategy.immediate())
                .limit(RestartLimit.of(10, Duration.ofMinutes(1)))
                .mailbox(Mailbox.bounded(2));
    }

    @Test
    void countersTimersAndGaugesReadExactValuesAfterAScriptedRun() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(worker("w").build()));
        bind(SupervisorMetrics.of(root));
        ComponentRef<String, String> w = root.ref("w");

        StepVerifier.create(w.ask("a")).then(() -> advance(100)).expectNext("a").verifyComplete();
        w.tell("crash");               // a crash, a dead letter CRASHED, a restart
        advance(100);
        w.tell("bad");                 // a crash with RESUME: a dead letter REJECTED, no restart
        advance(100);
        w.tell("b");                   // in progress
        w.tell("c");
        w.tell("d");                   // two waiting: the mailbox is full
        assertThat(w.tell("e")).isFalse(); // a dead letter MAILBOX_FULL
        assertThat(gauge(SupervisorMetrics.MAILBOX_DEPTH, "root/w")).isEqualTo(2);
        advance(300);

        String[] tags = {"supervisor.strategy", "one_for_all"};
        assertThat(counter(SupervisorMetrics.HANDLED, "root/w", tags)).isEqualTo(4);
        assertThat(counter(SupervisorMetrics.CRASHES, "root/w", tags)).isEqualTo(2);
        assertThat(counter(SupervisorMetrics.RESTARTS, "root/w", tags)).isEqualTo(1);
        assertThat(counter(SupervisorMetrics.DEAD_LETTERS, "root/w", "reason", "crashed")).isEqualTo(1);
        assertThat(counter(SupervisorMetrics.DEAD_LETTERS, "root/w", "reason", "rejected")).isEqualTo(1);
        assertThat(counter(SupervisorMetrics.DEAD_LETTERS, "root/w", "reason", "mailbox_full")).isEqualTo(1);
        assertThat(counter(SupervisorMetrics.DEAD_LETTERS, "root/w", "reason", "shut_down")).isZero();
        Timer success = timer("root/w", "success");
        assertThat(success.count()).isEqualTo(4);
        assertThat(success.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(400);
        Timer error = timer("root/w", "error");
        assertThat(error.count()).isEqualTo(2);
        assertThat(error.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(200);
        assertThat(gauge(SupervisorMetrics.MAILBOX_DEPTH, "root/w")).isZero();
        assertThat(gauge(SupervisorMetrics.MAILBOX_CAPACITY, "root/w")).isEqualTo(2);
        assertThat(gauge(SupervisorMetrics.RESTARTS_WINDOW, "root/w")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATE, "root/w", "state", "running")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATE, "root/w", "state", "restarting")).isZero();
        assertThat(meters("root/w")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(registry.find(SupervisorMetrics.STATE).tag("component", "root/w").gauges()).extracting(
                g -> g.getId().getTag("state")).containsExactlyInAnyOrder(STATES);
        assertThat(registry.find(SupervisorMetrics.DEAD_LETTERS).tag("component", "root/w").functionCounters())
                .extracting(c -> c.getId().getTag("reason")).containsExactlyInAnyOrder(REASONS);
    }

    @Test
    void theHandlingTimerTotalsTheVirtualTimeEachHandlerTook() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("slow")
                .state(Object::new)
                .handler((s, m) -> m.startsWith("fail ")
                        ? Mono.delay(Duration.ofMillis(Long.parseLong(m.substring(5))))
                                .then(Mono.error(new IllegalStateException(m)))
                        : Mono.delay(Duration.ofMillis(Long.parseLong(m))).thenReturn(m))
                .restart(RestartStrategy.immediate())
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        bind(SupervisorMetrics.of(root));
        ComponentRef<String, String> ref = root.ref(spec);

        ref.tell("100");
        ref.tell("250");
        ref.tell("fail 50");
        ref.tell("1");
        advance(1_000);

        Timer success = timer("root/slow", "success");
        assertThat(success.count()).isEqualTo(3);
        assertThat(success.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(351);
        assertThat(success.max(TimeUnit.MILLISECONDS)).isEqualTo(250);
        Timer error = timer("root/slow", "error");
        assertThat(error.count()).isEqualTo(1);
        assertThat(error.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(50);
    }

    @Test
    void theStateGaugesFollowARestartDelayAndAComponentThatGivesUpAndIsRemoved() {
        ComponentSpec<String, String> spec = worker("w")
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .limit(RestartLimit.of(1, Duration.ofMinutes(1)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        bind(SupervisorMetrics.of(root));
        ComponentRef<String, String> w = root.ref(spec);

        w.tell("crash");
        advance(100);
        assertThat(gauge(SupervisorMetrics.STATE, "root/w", "state", "restarting")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATE, "root/w", "state", "running")).isZero();
        w.tell("queued 1");
        w.tell("queued 2");
        assertThat(gauge(SupervisorMetrics.MAILBOX_DEPTH, "root/w")).isEqualTo(2);
        advance(1_000);
        assertThat(gauge(SupervisorMetrics.STATE, "root/w", "state", "running")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.RESTARTS_WINDOW, "root/w")).isEqualTo(1);
        advance(200);
        assertThat(gauge(SupervisorMetrics.MAILBOX_DEPTH, "root/w")).isZero();

        w.tell("crash"); // the second restart within the minute: past the limit
        advance(100);
        assertThat(gauge(SupervisorMetrics.STATE, "root/w", "state", "failed")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATE, "root/w", "state", "running")).isZero();
        assertThat(w.tell("late")).isFalse();
        assertThat(counter(SupervisorMetrics.DEAD_LETTERS, "root/w", "reason", "component_failed")).isEqualTo(1);
        assertThat(meters("root/w")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT); // failed, still in the tree

        advance(Duration.ofSeconds(3).toMillis());
        assertThat(meters("root/w")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT); // its counts stay readable
        root.removeChild("w", Duration.ofSeconds(1)).subscribe(); // it had failed already: the Removed event says so
        advance(1);
        assertThat(meters("root/w")).isZero();
    }

    @Test
    void aComponentStartedLaterGetsMetersAndARemovedOneLosesThem() {
        Supervisor root = start(Supervisor.named("root").child(echo("first"))
                .child(Supervisor.named("sub").strategy(SupervisionStrategy.REST_FOR_ONE).child(echo("inner"))));
        bind(SupervisorMetrics.of(root));
        assertThat(meters("root/first")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(meters("root/sub/inner")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(registry.get(SupervisorMetrics.HANDLED).tag("component", "root/sub/inner").meter().getId()
                .getTag("supervisor.strategy")).isEqualTo("rest_for_one");

        root.supervisor("sub").startChild(echo("late")).subscribe();
        advance(1);
        assertThat(meters("root/sub/late")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        StepVerifier.create(root.ref("sub/late").ask("x")).expectNext("x").verifyComplete();
        assertThat(counter(SupervisorMetrics.HANDLED, "root/sub/late")).isEqualTo(1);
        assertThat(timer("root/sub/late", "success").count()).isEqualTo(1);

        root.supervisor("sub").removeChild("late", Duration.ofSeconds(1)).subscribe();
        advance(1);
        assertThat(meters("root/sub/late")).isZero();
        root.removeChild("sub", Duration.ofSeconds(1)).subscribe(); // a subtree: its components go too
        advance(1);
        assertThat(meters("root/sub/inner")).isZero();
        assertThat(meters("root/first")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
    }

    @Test
    void aTemporaryComponentThatEndsIsRemovedFromTheTreeAndItsMetersWithIt() {
        Supervisor root = start(Supervisor.named("root").child(echo("stays"))
                .child(worker("once").policy(RestartPolicy.TEMPORARY).build()));
        bind(SupervisorMetrics.of(root));
        assertThat(meters("root/once")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);

        root.ref("once").tell("exit");
        advance(100); // it stops, then its supervisor removes it: the Removed event drops its meters
        assertThatThrownBy(() -> root.ref("once")).isInstanceOf(IllegalArgumentException.class);
        assertThat(meters("root/once")).isZero();
        assertThat(meters("root/stays")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
    }

    @Test
    void bindingTwiceFailsClearlyAndClosingDetachesTheObserverAndRemovesTheMeters() {
        Supervisor root = start(Supervisor.named("root").child(echo("c")));
        SupervisorMetrics metrics = SupervisorMetrics.of(root);
        SupervisorMetrics.Binding binding = bind(metrics);
        assertThatThrownBy(() -> metrics.bindTo(registry))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the tree of 'root' is bound already, or another MessageObserver watches it: close that "
                        + "binding first (to publish to several registries, bind once to a CompositeMeterRegistry)")
                .hasCauseInstanceOf(IllegalStateException.class);
        ComponentRef<String, String> ref = root.ref("c");
        StepVerifier.create(ref.ask("a")).expectNext("a").verifyComplete();
        Timer timer = timer("root/c", "success");
        assertThat(timer.count()).isEqualTo(1);
        assertThat(registry.getMeters()).hasSize(SupervisorMetrics.METERS_PER_COMPONENT);

        binding.close();
        assertThat(binding.isDisposed()).isTrue();
        assertThat(registry.getMeters()).isEmpty();
        StepVerifier.create(ref.ask("b")).expectNext("b").verifyComplete();
        assertThat(timer.count()).isEqualTo(1); // no longer timed
        binding.close(); // again: nothing

        SupervisorMetrics.Binding again = bind(metrics); // the tree has no observer any more
        assertThat(counter(SupervisorMetrics.HANDLED, "root/c")).isEqualTo(2); // the component's own count
        again.dispose();
        assertThat(registry.getMeters()).isEmpty();
    }
}
