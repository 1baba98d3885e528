package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * A crash that happens while a group restart (ONE_FOR_ALL, REST_FOR_ONE) waits out its delay,
 * in a child that is not part of that group: the group restart goes on, widened by the new
 * crash, and every child runs again. Found by {@code ChaosTest}, where such a child stayed
 * RESTARTING forever with its mailbox filling up. On virtual time.
 */
class ReliabilityGroupRestartTest extends VirtualTimeTest {

    final List<String> starts = new CopyOnWriteArrayList<>();

    /** Records its starts as "name#n"; "boom" crashes it; replies "name#n". */
    ComponentSpec<String, String> child(String name) {
        int[] incarnations = new int[1];
        return ComponentSpec.<String, String, int[]>named(name)
                .state(() -> {
                    int n = ++incarnations[0];
                    starts.add(name + "#" + n);
                    return new int[] {n};
                })
                .syncHandler((s, m) -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException(name + " boom");
                    }
                    return name + "#" + s[0];
                })
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .build();
    }

    @Test
    void restForOneAnEarlierChildCrashingDuringTheDelayWidensTheRestartInsteadOfStrandingIt() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.REST_FOR_ONE)
                .child(child("a")).child(child("b")).child(child("c")));
        starts.clear();
        root.<String, String>ref("b").tell("boom"); // b and c restart together after 1 s
        advance(500);
        root.<String, String>ref("a").tell("boom"); // now a, b and c
        advance(Duration.ofSeconds(2));

        for (String name : List.of("a", "b", "c")) {
            assertThat(root.<String, String>ref(name).state()).as(name).isEqualTo(ComponentState.RUNNING);
            StepVerifier.create(root.<String, String>ref(name).ask("hello")).expectNext(name + "#2").verifyComplete();
        }
        assertThat(starts).containsExactly("a#2", "b#2", "c#2");
    }

    @Test
    void oneForAllAChildStartedDuringTheDelayAndCrashingJoinsTheRestart() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL)
                .child(child("a")).child(child("b")));
        root.<String, String>ref("b").tell("boom");
        advance(200);
        root.startChild(child("late"));
        root.<String, String>ref("late").tell("boom");
        advance(Duration.ofSeconds(2));

        for (String name : List.of("a", "b", "late")) {
            assertThat(root.<String, String>ref(name).state()).as(name).isEqualTo(ComponentState.RUNNING);
            StepVerifier.create(root.<String, String>ref(name).ask("hello")).expectNext(name + "#2").verifyComplete();
        }
    }

    /**
     * The end of an incarnation that fails while its group restart is still opening (here its
     * state factory throws) reaches the supervisor only once that opening has returned, on
     * the stack of the restart; the group restart it starts must still open.
     */
    @Test
    void aChildWhoseNextIncarnationFailsAtOnceIsRestartedAgainInsteadOfStranded() {
        int[] states = new int[1];
        ComponentSpec<String, String> flaky = ComponentSpec.<String, String, int[]>named("flaky")
                .state(() -> {
                    if (++states[0] == 2) {
                        throw new IllegalStateException("no state this time");
                    }
                    return new int[] {states[0]};
                })
                .syncHandler((s, m) -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return "flaky#" + s[0];
                })
                .build();
        for (SupervisionStrategy strategy : List.of(SupervisionStrategy.REST_FOR_ONE, SupervisionStrategy.ONE_FOR_ALL)) {
            states[0] = 0;
            events.clear();
            Supervisor root = start(Supervisor.named("root").strategy(strategy).child(child("a")).child(flaky));
            root.<String, String>ref("flaky").tell("boom");
            advance(Duration.ofSeconds(5));
            assertThat(root.<String, String>ref("flaky").state()).as("%s", strategy).isEqualTo(ComponentState.RUNNING);
            StepVerifier.create(root.<String, String>ref("flaky").ask("hello")).expectNext("flaky#3").verifyComplete();
            assertThat(events(SupervisionEvent.Crashed.class)).extracting(e -> e.cause().getMessage())
                    .containsExactly("boom", "no state this time");
            root.shutdown(Duration.ofSeconds(1)).subscribe();
            advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void messagesSentDuringTheWidenedRestartAreHandledAfterIt() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.REST_FOR_ONE)
                .child(child("a")).child(child("b")).child(child("c")));
        root.<String, String>ref("c").tell("boom");
        advance(100);
        root.<String, String>ref("b").tell("boom");
        root.<String, String>ref("c").tell("queued");
        advance(100);
        root.<String, String>ref("a").tell("boom");
        root.<String, String>ref("b").tell("queued");
        advance(Duration.ofSeconds(5));
        assertThat(root.snapshot().countByState()).containsEntry(ComponentState.RUNNING, 3);
        assertThat(((ComponentSnapshot) root.snapshot().child("b")).handled()).isEqualTo(1);
        assertThat(((ComponentSnapshot) root.snapshot().child("c")).handled()).isEqualTo(1);
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(e -> e.message() + "/" + e.reason())
                .containsExactly("boom/CRASHED", "boom/CRASHED", "boom/CRASHED");
    }
}
