package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Restart delays, backoff resets and sliding limits, observed on virtual time. */
class RestartTimingTest extends VirtualTimeTest {

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private ComponentRef<String, String> startWith(RestartStrategy strategy, RestartLimit limit) {
        ComponentSpec<String, String> spec = ComponentTest.memo("c").restart(strategy).limit(limit).build();
        return start(Supervisor.named("root").child(spec)).ref(spec);
    }

    /** Crashes the component and measures, in virtual milliseconds, how long it stays RESTARTING. */
    private long crashAndMeasureRestart(ComponentRef<String, String> ref) {
        ref.tell("boom");
        long waited = 0;
        while (ref.state() == ComponentState.RESTARTING) {
            advance(1);
            waited++;
        }
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        return waited;
    }

    @Test
    void exponentialBackoffWaitsTheExactSequenceUpToTheCap() {
        ComponentRef<String, String> ref = startWith(RestartStrategy.exponentialBackoff(s(1), s(60), 2.0)
                .withResetAfter(s(3600)), RestartLimit.unlimited());
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            waits.add(crashAndMeasureRestart(ref));
        }
        assertThat(waits).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L, 60000L);
        assertThat(events(SupervisionEvent.Restarting.class)).extracting(SupervisionEvent.Restarting::attempt)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(events(SupervisionEvent.Restarting.class)).extracting(SupervisionEvent.Restarting::delay)
                .containsExactly(s(1), s(2), s(4), s(8), s(16), s(32), s(60), s(60), s(60));
    }

    @Test
    void immediateAndFixedDelayWaitWhatTheySay() {
        ComponentRef<String, String> immediate = startWith(RestartStrategy.immediate(), RestartLimit.unlimited());
        immediate.tell("boom");
        assertThat(immediate.state()).isEqualTo(ComponentState.RUNNING);

        VirtualTimeTest other = this;
        ComponentSpec<String, String> fixed = ComponentTest.memo("fixed")
                .restart(RestartStrategy.delayed(Duration.ofMillis(250))).limit(RestartLimit.unlimited()).build();
        ComponentRef<String, String> ref = other.start(Supervisor.named("other").child(fixed)).ref(fixed);
        assertThat(crashAndMeasureRestart(ref)).isEqualTo(250);
        assertThat(crashAndMeasureRestart(ref)).isEqualTo(250);
    }

    @Test
    void backoffStartsOverAfterRunningForResetAfterWithoutCrashing() {
        ComponentRef<String, String> ref = startWith(RestartStrategy.exponentialBackoff(s(1), s(60), 2.0)
                .withResetAfter(s(10)), RestartLimit.unlimited());
        assertThat(crashAndMeasureRestart(ref)).isEqualTo(1000);
        assertThat(crashAndMeasureRestart(ref)).isEqualTo(2000);
        advance(9_999); // not quite long enough
        assertThat(crashAndMeasureRestart(ref)).isEqualTo(4000);
        advance(10_000);
        assertThat(crashAndMeasureRestart(ref)).isEqualTo(1000);
        assertThat(crashAndMeasureRestart(ref)).isEqualTo(2000);
    }

    @Test
    void jitteredDelaysStayWithinTheirBounds() {
        ComponentRef<String, String> ref = startWith(RestartStrategy.exponentialBackoff(s(1), s(8), 2.0)
                .withJitter(0.5).withResetAfter(s(3600)), RestartLimit.unlimited());
        long[][] bounds = {{1000, 1500}, {1000, 3000}, {2000, 6000}, {4000, 8000}, {4000, 8000}};
        for (long[] b : bounds) {
            assertThat(crashAndMeasureRestart(ref)).isBetween(b[0], b[1]);
        }
    }

    @Test
    void theLimitWindowSlides() {
        ComponentRef<String, String> ref = startWith(RestartStrategy.immediate(), RestartLimit.of(3, s(10)));
        ref.tell("boom"); // t=0
        advance(1000);
        ref.tell("boom"); // t=1
        advance(1000);
        ref.tell("boom"); // t=2: three restarts within 10s
        advance(8500);
        ref.tell("boom"); // t=10.5: the restart at t=0 has left the window
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
        advance(100);
        ref.tell("boom"); // t=10.6: restarts at 1, 2 and 10.5 are within 10s
        assertThat(ref.state()).isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Restarted.class)).hasSize(4);
    }

    @Test
    void supervisorIntensityLimitsRestartsAcrossChildren() {
        ComponentSpec<String, String> a = ComponentTest.memo("a").limit(RestartLimit.unlimited()).build();
        ComponentSpec<String, String> b = ComponentTest.memo("b").limit(RestartLimit.unlimited()).build();
        Supervisor root = start(Supervisor.named("root").intensity(RestartLimit.of(3, s(60))).child(a).child(b));
        root.ref(a).tell("boom");
        root.ref(b).tell("boom");
        root.ref(a).tell("boom");
        assertThat(root.ref(a).state()).isEqualTo(ComponentState.RUNNING);
        root.ref(b).tell("boom"); // the fourth restart within a minute across both children
        assertThat(root.ref(b).state()).isEqualTo(ComponentState.FAILED);
        assertThat(events(SupervisionEvent.Failed.class, "root/b").get(0).cause())
                .isInstanceOf(RestartLimitExceededException.class)
                .hasMessageStartingWith("'root' reached its restart limit: 3 restarts within 1 min");
        assertThat(root.ref(a).state()).isEqualTo(ComponentState.RUNNING);
    }
}
