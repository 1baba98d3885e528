package io.reactorsupervisor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.observation.ObservationRegistry;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The spec: immutable, copy-on-write, validated with messages that say what was wrong. */
class SupervisorMetricsTest {

    private final Supervisor root = Supervisor.named("root").child(VirtualTimeTest.echo("c"))
            .child(Supervisor.named("nested").child(VirtualTimeTest.echo("d"))).start();

    @AfterEach
    void shutDown() {
        root.shutdown(Duration.ofSeconds(1)).block(Duration.ofSeconds(5));
    }

    @Test
    void theDefaultsAndBuilderMethodsProduceNewInstances() {
        SupervisorMetrics template = SupervisorMetrics.of(root);
        assertThat(template.root()).isSameAs(root);
        assertThat(template.tags()).isEqualTo(Tags.empty());
        assertThat(template.maxTaggedComponents()).isEqualTo(SupervisorMetrics.DEFAULT_MAX_TAGGED_COMPONENTS)
                .isEqualTo(1_000);
        assertThat(template.observationRegistry()).isNull();
        assertThat(template.askConvention()).isNull();

        SupervisorMetrics tagged = template.withTags("app", "shop", "region", "eu");
        SupervisorMetrics limited = tagged.withMaxTaggedComponents(10);
        ObservationRegistry observations = ObservationRegistry.create();
        SupervisorMetrics observed = limited.withObservationRegistry(observations)
                .withObservationConventions(DefaultMessageObservationConvention.ASK,
                        DefaultMessageObservationConvention.HANDLE);
        assertThat(template.tags()).isEqualTo(Tags.empty());
        assertThat(tagged.tags()).isEqualTo(Tags.of("app", "shop", "region", "eu"));
        assertThat(tagged.maxTaggedComponents()).isEqualTo(1_000);
        assertThat(limited.maxTaggedComponents()).isEqualTo(10);
        assertThat(limited.observationRegistry()).isNull();
        assertThat(observed.observationRegistry()).isSameAs(observations);
        assertThat(observed.handleConvention()).isSameAs(DefaultMessageObservationConvention.HANDLE);
        assertThat(observed.tags()).isEqualTo(tagged.tags());
        assertThat(tagged.withTags(Tags.of("app", "other")).tags()).isEqualTo(Tags.of("app", "other")); // replaced
        assertThat(template.withMaxTaggedComponents(0).maxTaggedComponents()).isZero();
        assertThat(template.withMaxTaggedComponents(Integer.MAX_VALUE).maxTaggedComponents())
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aNestedSupervisorIsNotARoot() {
        assertThatThrownBy(() -> SupervisorMetrics.of(root.supervisor("nested")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("root must be the root supervisor of its tree (a path without '/'), but was 'root/nested': "
                        + "a tree has one observer, so bind its root");
        assertThatThrownBy(() -> SupervisorMetrics.of(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("root");
    }

    @Test
    void maxTaggedComponents_negative() {
        assertThatThrownBy(() -> SupervisorMetrics.of(root).withMaxTaggedComponents(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTaggedComponents must be between 0 and 2147483647, but was -1");
    }

    @Test
    void tags_thatTheBindingSetsItself() {
        assertThatThrownBy(() -> SupervisorMetrics.of(root).withTags(Tags.of("app", "shop", "component", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tags must not use the keys the binding sets itself (component, supervisor.strategy, "
                        + "reason, outcome, state, breaker), but had 'component'");
        assertThatThrownBy(() -> SupervisorMetrics.of(root).withTags("state", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("but had 'state'");
    }

    @Test
    void tags_anOddNumberOfStringsOrANull() {
        assertThatThrownBy(() -> SupervisorMetrics.of(root).withTags("app", "shop", "region"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyValues must be key/value pairs (an even number of strings), but had 3");
        assertThatThrownBy(() -> SupervisorMetrics.of(root).withTags((Iterable<Tag>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("tags");
        assertThatThrownBy(() -> SupervisorMetrics.of(root).withTags(java.util.Arrays.asList(Tag.of("a", "b"), null)))
                .isInstanceOf(NullPointerException.class).hasMessage("tags must not hold null");
    }

    @Test
    void nullArguments() {
        SupervisorMetrics spec = SupervisorMetrics.of(root);
        assertThatThrownBy(() -> spec.withObservationRegistry(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("observationRegistry");
        assertThatThrownBy(() -> spec.withObservationConventions(null, DefaultMessageObservationConvention.HANDLE))
                .isInstanceOf(NullPointerException.class).hasMessage("ask");
        assertThatThrownBy(() -> spec.bindTo(null)).isInstanceOf(NullPointerException.class).hasMessage("registry");
    }

    @Test
    void theMetersCarryTheCommonTags() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (SupervisorMetrics.Binding binding = SupervisorMetrics.of(root).withTags("app", "shop").bindTo(registry)) {
            assertThat(registry.get(SupervisorMetrics.HANDLED).tag("component", "root/nested/d").meter().getId()
                    .getTags()).containsExactly(Tag.of("app", "shop"), Tag.of("component", "root/nested/d"),
                            Tag.of("supervisor.strategy", "one_for_one"));
            assertThat(binding.toString())
                    .isEqualTo("SupervisorMetrics.Binding[root=root, registry=SimpleMeterRegistry]");
        }
        assertThat(registry.getMeters()).isEmpty();
    }
}
