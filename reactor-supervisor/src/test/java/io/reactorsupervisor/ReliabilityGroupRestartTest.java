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
