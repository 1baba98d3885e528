package io.reactorsupervisor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.Meter;
import io.reactorsupervisor.Entities;
import io.reactorsupervisor.EntitiesSpec;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** A set of keyed components is counted in aggregate: no meter per key, whatever comes and goes. */
class EntitiesMetricsTest extends VirtualTimeTest {

    private static final EntitiesSpec<String, String, String> SESSIONS = EntitiesSpec
            .named("sessions", String.class, echo("session")).build();

    private static final int SET_METERS = 6;

    private void askKeys(Entities<String, String, String> sessions, int from, int to) {
        for (int i = from; i < to; i++) {
            StepVerifier.create(sessions.ref("k" + i).ask("m")).expectNext("m").verifyComplete();
        }
    }

    private long meterWithATagOfAKey() {
        return registry.getMeters().stream().map(m -> m.getId().getTag("component"))
                .filter(c -> c != null && c.startsWith("root/sessions/k")).count();
    }

    @Test
    void keysAreCountedInTheSetsGroupAndTheSetInAggregate() {
        Supervisor root = start(Supervisor.named("root").child(echo("billing")).entities(SESSIONS));
        bind(SupervisorMetrics.of(root));
        Entities<String, String, String> sessions = root.entities(SESSIONS);
        int before = registry.getMeters().size();
        // billing's and the set's; no group until a key starts
        assertThat(before).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT + SET_METERS);

        askKeys(sessions, 0, 100);
        advance(1_000); // the set's meters read its snapshot at most once a second

        assertThat(meterWithATagOfAKey()).isZero();
        assertThat(meters("root/sessions")).isEqualTo(SET_METERS);
        assertThat(meters("root/sessions/*")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(gauge(SupervisorMetrics.ENTITIES_ACTIVE, "root/sessions")).isEqualTo(100);
        assertThat(counter(SupervisorMetrics.ENTITIES_ACTIVATIONS, "root/sessions")).isEqualTo(100);
        assertThat(gauge(SupervisorMetrics.ENTITIES_RESTARTING, "root/sessions")).isZero();
        assertThat(gauge(SupervisorMetrics.ENTITIES_WAITING, "root/sessions")).isZero();
        assertThat(counter(SupervisorMetrics.HANDLED, "root/sessions/*")).isEqualTo(100);
        assertThat(timer("root/sessions/*", "success").count()).isEqualTo(100);
        assertThat(gauge(SupervisorMetrics.STATE, "root/sessions/*", "state", "running")).isEqualTo(100);
        // keys take no place among the tagged components
        assertThat(((TreeMeters) registryBinding()).taggedComponents()).isEqualTo(1);
        int withKeys = registry.getMeters().size();

        // passivated keys leave the group's counts and the meters as they were
        for (int i = 0; i < 100; i++) {
            sessions.passivate("k" + i).subscribe();
        }
        advance(1_000);
        assertThat(registry.getMeters()).hasSize(withKeys);
        assertThat(gauge(SupervisorMetrics.ENTITIES_ACTIVE, "root/sessions")).isZero();
        assertThat(counter(SupervisorMetrics.ENTITIES_PASSIVATIONS, "root/sessions")).isEqualTo(100);
        assertThat(gauge(SupervisorMetrics.STATE, "root/sessions/*", "state", "running")).isZero();
        assertThat(counter(SupervisorMetrics.HANDLED, "root/sessions/*")).isEqualTo(100);

        // new keys: still no meter of their own, and not one meter more
        askKeys(sessions, 100, 150);
        advance(1_000);
        assertThat(meterWithATagOfAKey()).isZero();
        assertThat(registry.getMeters()).hasSize(withKeys);
        assertThat(counter(SupervisorMetrics.HANDLED, "root/sessions/*")).isEqualTo(150);
        assertThat(counter(SupervisorMetrics.ENTITIES_ACTIVATIONS, "root/sessions")).isEqualTo(150);
        assertThat(gauge(SupervisorMetrics.ENTITIES_ACTIVE, "root/sessions")).isEqualTo(50);
    }

    @Test
    void keysActiveBeforeTheBindingAreCountedInTheGroupToo() {
        Supervisor root = start(Supervisor.named("root").entities(SESSIONS));
        Entities<String, String, String> sessions = root.entities(SESSIONS);
        askKeys(sessions, 0, 10);
        bind(SupervisorMetrics.of(root).withMaxTaggedComponents(0));
        askKeys(sessions, 0, 10);
        advance(1_000);
        assertThat(meterWithATagOfAKey()).isZero();
        assertThat(gauge(SupervisorMetrics.ENTITIES_ACTIVE, "root/sessions")).isEqualTo(10);
        assertThat(counter(SupervisorMetrics.ENTITIES_ACTIVATIONS, "root/sessions")).isEqualTo(10);
        assertThat(counter(SupervisorMetrics.HANDLED, "root/sessions/*")).isEqualTo(20);
    }

    @Test
    void aSetRemovedFromTheTreeTakesItsMetersWithIt() {
        Supervisor root = start(Supervisor.named("root").child(echo("billing")).entities(SESSIONS));
        bind(SupervisorMetrics.of(root));
        askKeys(root.entities(SESSIONS), 0, 3);
        advance(1_000);
        assertThat(meters("root/sessions/*")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);

        root.removeChild("sessions", Duration.ofSeconds(1)).subscribe();
        advance(1_000);
        assertThat(meters("root/sessions")).isZero();
        assertThat(meters("root/sessions/*")).isZero();
        assertThat(registry.getMeters()).extracting(Meter::getId).allSatisfy(id ->
                assertThat(id.getTag("component")).isEqualTo("root/billing"));
    }

    @Test
    void theSetsCountersNeverGoDownWhenTheSetRestarts() {
        Supervisor root = start(Supervisor.named("root").entities(SESSIONS));
        bind(SupervisorMetrics.of(root));
        askKeys(root.entities(SESSIONS), 0, 3);
        advance(1_000);
        assertThat(counter(SupervisorMetrics.ENTITIES_ACTIVATIONS, "root/sessions")).isEqualTo(3);
        int meters = registry.getMeters().size();

        root.restartChild("sessions").subscribe();
        advance(1_000);
        askKeys(root.entities(SESSIONS), 10, 12);
        advance(1_000);

        assertThat(gauge(SupervisorMetrics.ENTITIES_ACTIVE, "root/sessions")).isEqualTo(2);
        assertThat(counter(SupervisorMetrics.ENTITIES_ACTIVATIONS, "root/sessions")).isEqualTo(5);
        assertThat(counter(SupervisorMetrics.HANDLED, "root/sessions/*")).isEqualTo(5);
        assertThat(gauge(SupervisorMetrics.STATE, "root/sessions/*", "state", "running")).isEqualTo(2);
        assertThat(registry.getMeters()).hasSize(meters);
        assertThat(meterWithATagOfAKey()).isZero();
    }

    @Test
    void closingTheBindingRemovesTheSetsMeters() {
        Supervisor root = start(Supervisor.named("root").entities(SESSIONS));
        SupervisorMetrics.Binding binding = bind(SupervisorMetrics.of(root));
        askKeys(root.entities(SESSIONS), 0, 3);
        binding.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    private SupervisorMetrics.Binding bound;

    @Override
    protected SupervisorMetrics.Binding bind(SupervisorMetrics metrics) {
        bound = super.bind(metrics);
        return bound;
    }

    private SupervisorMetrics.Binding registryBinding() {
        return bound;
    }
}
