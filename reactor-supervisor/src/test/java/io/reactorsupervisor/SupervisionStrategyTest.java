package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** ONE_FOR_ONE, ONE_FOR_ALL and REST_FOR_ONE: who restarts, in which order, with which state. */
class SupervisionStrategyTest extends VirtualTimeTest {

    /** Every incarnation start, as "name#n", in the order they happen. */
    final List<String> starts = new CopyOnWriteArrayList<>();

    /** A component that records its starts; "boom" crashes it; replies "name#incarnation:count". */
    ComponentSpec.Builder<String, String, int[]> child(String name) {
        int[] incarnations = new int[1];
        return ComponentSpec.<String, String, int[]>named(name)
                .state(() -> {
                    int n = ++incarnations[0];
                    starts.add(name + "#" + n);
                    return new int[] {n, 0};
                })
                .syncHandler((s, m) -> {
                    if (m.equals("boom")) {
                        throw new IllegalStateException(name + " boom");
                    }
                    return name + "#" + s[0] + ":" + ++s[1];
                });
    }

    private Supervisor tree(SupervisionStrategy strategy, ComponentSpec<?, ?>... children) {
        SupervisorSpec.Builder b = Supervisor.named("root").strategy(strategy);
        for (ComponentSpec<?, ?> c : children) {
            b.child(c);
        }
        return start(b);
    }

    private List<String> stoppedOrder() {
        return events(SupervisionEvent.Restarting.class).stream().map(SupervisionEvent::path)
                .collect(Collectors.toList());
    }

    @Test
    void oneForOneRestartsOnlyTheCrashedChild() {
        Supervisor root = tree(SupervisionStrategy.ONE_FOR_ONE, child("a").build(), child("b").build(),
                child("c").build());
        root.ref("a").tell("x");
        root.<String, String>ref("b").tell("boom");
        assertThat(starts).containsExactly("a#1", "b#1", "c#1", "b#2");
        StepVerifier.create(root.<String, String>ref("a").ask("y")).expectNext("a#1:2").verifyComplete();
    }

    @Test
    void oneForAllStopsTheOthersInReverseOrderThenStartsAllInOrder() {
        Supervisor root = tree(SupervisionStrategy.ONE_FOR_ALL, child("a").build(), child("b").build(),
                child("c").build());
        starts.clear();
        root.<String, String>ref("b").tell("boom");
        assertThat(starts).containsExactly("a#2", "b#2", "c#2");
        // the others were taken down last-started first
        List<String> restarted = events(SupervisionEvent.Restarted.class).stream().map(SupervisionEvent::path)
                .collect(Collectors.toList());
        assertThat(restarted).containsExactly("root/a", "root/b", "root/c");
        assertThat(stoppedOrder()).containsExactly("root/b");
        StepVerifier.create(root.<String, String>ref("a").ask("y")).expectNext("a#2:1").verifyComplete();
    }

    @Test
    void oneForAllStopsSiblingsInReverseStartOrder() {
        List<String> ended = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> a = child("a").build();
        ComponentSpec<String, String> b = child("b").build();
        ComponentSpec<String, String> c = child("c").build();
        ComponentSpec<String, String> d = child("d").build();
        Supervisor root = tree(SupervisionStrategy.ONE_FOR_ALL, a, b, c, d);
        // a sibling's end is visible as its mailbox stopping to drain: watch the snapshot states right after
        root.events().subscribe(e -> {
            if (e instanceof SupervisionEvent.Crashed) {
                ended.add("crash:" + e.path());
            }
        });
        root.<String, String>ref("a").tell("boom");
        assertThat(starts.subList(4, 8)).containsExactly("a#2", "b#2", "c#2", "d#2");
        assertThat(ended).containsExactly("crash:root/a");
    }

    @Test
    void restForOneRestartsTheCrashedChildAndThoseStartedAfterIt() {
        Supervisor root = tree(SupervisionStrategy.REST_FOR_ONE, child("a").build(), child("b").build(),
                child("c").build());
        root.<String, String>ref("a").tell("x");
        starts.clear();
        root.<String, String>ref("b").tell("boom");
        assertThat(starts).containsExactly("b#2", "c#2");
        StepVerifier.create(root.<String, String>ref("a").ask("y")).expectNext("a#1:2").verifyComplete();
    }

    @Test
    void theGroupRestartsAfterTheCrashedChildsDelay() {
        Supervisor root = tree(SupervisionStrategy.ONE_FOR_ALL,
                child("a").build(),
                child("b").restart(RestartStrategy.delayed(Duration.ofSeconds(5))).build());
        starts.clear();
        root.<String, String>ref("b").tell("boom");
        assertThat(root.ref("a").state()).isEqualTo(ComponentState.RESTARTING);
        advance(4999);
        assertThat(starts).isEmpty();
        advance(1);
        assertThat(starts).containsExactly("a#2", "b#2");
    }

    @Test
    void queuedMessagesOfRestartedSiblingsAreKept() {
        ComponentSpec<String, String> a = ComponentSpec.<String, String, Object>named("a")
                .state(Object::new)
                .handler((s, m) -> Mono.delay(Duration.ofSeconds(1)).thenReturn("a:" + m))
                .build();
        ComponentSpec<String, String> b = child("b").restart(RestartStrategy.delayed(Duration.ofSeconds(10))).build();
        Supervisor root = tree(SupervisionStrategy.ONE_FOR_ALL, a, b);
        root.ref(a).tell("1"); // in flight for a second
        Mono<String> queued = root.ref(a).ask("2").cache();
        queued.subscribe(v -> { }, e -> { });
        root.ref(b).tell("boom");
        assertThat(root.ref(a).mailboxDepth()).isEqualTo(1);
        advance(1000); // a finishes "1", then its incarnation ends for the group restart
        assertThat(root.ref(a).state()).isEqualTo(ComponentState.RESTARTING);
        assertThat(root.ref(a).mailboxDepth()).isEqualTo(1);
        advance(9000); // the group restarts; a's queued message is handled by its new incarnation
        advance(1000);
        StepVerifier.create(queued).expectNext("a:2").verifyComplete();
        assertThat(events(SupervisionEvent.DeadLetter.class)).extracting(SupervisionEvent.DeadLetter::message)
                .containsExactly("boom");
    }

    @Test
    void aTemporarySiblingTakenDownByAGroupRestartIsRemoved() {
        ComponentSpec<String, String> temp = child("temp").policy(RestartPolicy.TEMPORARY).build();
        Supervisor root = tree(SupervisionStrategy.ONE_FOR_ALL, child("a").build(), temp);
        root.<String, String>ref("a").tell("boom");
        assertThat(root.snapshot().children()).extracting(ChildSnapshot::name).containsExactly("a");
        assertThat(events(SupervisionEvent.Stopped.class, "root/temp").get(0).reason())
                .isEqualTo("removed by its supervisor");
        assertThat(starts).containsExactly("a#1", "temp#1", "a#2");
    }
}
