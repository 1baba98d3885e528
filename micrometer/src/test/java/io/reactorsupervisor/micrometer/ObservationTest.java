package io.reactorsupervisor.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.Supervisor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/** An Observation per ask and per handling, each the child of the one that caused it. On virtual time. */
class ObservationTest extends VirtualTimeTest {

    private TestObservationRegistry observations;
    /** The contexts of the observations stopped, in order. */
    private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    /** The tree under test, for handlers that ask their siblings. */
    private Supervisor root;

    @BeforeEach
    void observationRegistry() {
        observations = TestObservationRegistry.builder()
                .validateObservationsWithTheSameNameHavingTheSameSetOfLowCardinalityKeys(true).build();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
    }

    /** @return every observation's context, in the order they started */
    private List<Observation.Context> contexts() {
        List<Observation.Context> all = new ArrayList<>();
        assertThat(observations).hasHandledContextsThatSatisfy(all::addAll);
        return all;
    }

    private Supervisor root() {
        return root;
    }

    /** front asks back; back's first delivery of each message crashes, and is redelivered once. */
    private void frontAndFlakyBack(AtomicInteger deliveries) {
        ComponentSpec<String, String> back = ComponentSpec.<String, String, Object>named("back")
                .state(Object::new)
                .handler((s, m) -> deliveries.incrementAndGet() % 2 == 1
                        ? Mono.error(new IllegalStateException("first delivery crashes"))
                        : Mono.just(m + " from back"))
                .redeliveries(1)
                .build();
        root = start(Supervisor.named("root").child(back).child(ComponentSpec.<String, String, Object>named("front")
                .state(Object::new)
                .handler((s, m) -> root().<String, String>ref("back").ask(m)) // inside the handling of front
                .build()));
    }

    private Observation.Context context(String contextualName, int index) {
        List<Observation.Context> found = contexts().stream()
                .filter(c -> contextualName.equals(c.getContextualName()))
                .collect(Collectors.toList());
        assertThat(found).as(contextualName).hasSizeGreaterThan(index);
        return found.get(index);
    }

    private static Observation.@Nullable ContextView parentOf(Observation.Context c) {
        return c.getParentObservation() == null ? null : c.getParentObservation().getContextView();
    }

    @Test
    void eachHopIsAChildOfTheOneBeforeThroughACrashAndItsRedelivery() {
        AtomicInteger deliveries = new AtomicInteger();
        frontAndFlakyBack(deliveries);
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations));
        Observation caller = Observation.start("caller", observations);

        StepVerifier.create(root.<String, String>ref("front").ask("order")
                        .contextWrite(Context.of(ObservationThreadLocalAccessor.KEY, caller)))
                .expectNext("order from back")
                .verifyComplete();
        caller.stop();

        assertThat(deliveries).hasValue(2);
        assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo(DefaultMessageObservationConvention.ASK_NAME, 2)
                .hasNumberOfObservationsWithNameEqualTo(DefaultMessageObservationConvention.HANDLE_NAME, 3);
        assertThat(stopped).containsExactlyInAnyOrderElementsOf(contexts()); // each stopped, once
        Observation.Context askFront = context("ask root/front", 0);
        Observation.Context handleFront = context("handle root/front", 0);
        Observation.Context askBack = context("ask root/back", 0);
        Observation.Context crashed = context("handle root/back", 0);
        Observation.Context redelivered = context("handle root/back", 1);
        assertThat(parentOf(askFront)).isSameAs(caller.getContext());
        assertThat(parentOf(handleFront)).isSameAs(askFront);
        assertThat(parentOf(askBack)).isSameAs(handleFront);
        assertThat(parentOf(crashed)).isSameAs(askBack);
        assertThat(parentOf(redelivered)).isSameAs(askBack);

        assertThat(askFront.getLowCardinalityKeyValues())
                .isEqualTo(KeyValues.of("component", "root/front", "outcome", "success"));
        assertThat(askFront.getHighCardinalityKeyValues()).isEqualTo(KeyValues.of("component.path", "root/front"));
        assertThat(crashed.getLowCardinalityKeyValues())
                .isEqualTo(KeyValues.of("component", "root/back", "outcome", "error"));
        assertThat(crashed.getError()).isInstanceOf(IllegalStateException.class).hasMessage("first delivery crashes");
        assertThat(redelivered.getLowCardinalityKeyValues())
                .isEqualTo(KeyValues.of("component", "root/back", "outcome", "success"));
        assertThat(((MessageObservationContext) redelivered).message()).isEqualTo("order");
        assertThat(((MessageObservationContext) askBack).kind()).isEqualTo(MessageObservationContext.Kind.ASK);
        assertThat(askBack.getError()).isNull();
    }

    @Test
    void anAskWithoutAnObservationInItsContextIsAChildOfTheCurrentOne() {
        root = start(Supervisor.named("root").child(echo("c")));
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations));
        Observation caller = Observation.start("caller", observations);
        Observation.Scope scope = caller.openScope();
        try {
            StepVerifier.create(root.<String, String>ref("c").ask("m")).expectNext("m").verifyComplete();
        } finally {
            scope.close();
        }
        caller.stop();
        assertThat(parentOf(context("ask root/c", 0))).isSameAs(caller.getContext());

        StepVerifier.create(root.<String, String>ref("c").ask("alone")).expectNext("alone").verifyComplete();
        assertThat(parentOf(context("ask root/c", 1))).isNull();
        assertThat(parentOf(context("handle root/c", 1))).isSameAs(context("ask root/c", 1));
    }

    @Test
    void aSynchronousHandlerRunsWithItsHandlingAsTheCurrentObservation() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("sync")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    Observation current = observations.getCurrentObservation();
                    seen.add(current == null ? "none" : current.getContext().getName() + " "
                            + ((MessageObservationContext) current.getContext()).componentPath());
                    return m;
                })
                .build();
        root = start(Supervisor.named("root").child(spec));
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations));
        StepVerifier.create(root.ref(spec).ask("m")).expectNext("m").verifyComplete();
        root.ref(spec).tell("told");
        advance(1);
        assertThat(seen).containsExactly("reactor.supervisor.handle root/sync", "reactor.supervisor.handle root/sync");
        assertThat(observations.getCurrentObservation()).isNull();
    }

    @Test
    void aCancelledAskIsCancelledAndAFailedOneIsAnError() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .handler((s, m) -> m.equals("crash") ? Mono.error(new IllegalStateException("crash"))
                        : Mono.delay(Duration.ofSeconds(1)).thenReturn(m))
                .build();
        root = start(Supervisor.named("root").child(spec));
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations));
        ComponentRef<String, String> ref = root.ref(spec);

        StepVerifier.create(ref.ask("slow").timeout(Duration.ofMillis(100), vts))
                .then(() -> advance(100)).expectError(TimeoutException.class).verify();
        advance(1_000);
        StepVerifier.create(ref.ask("crash")).expectError(MessageCrashedException.class).verify();
        advance(1_000);

        Observation.Context cancelled = context("ask root/c", 0);
        assertThat(cancelled.getLowCardinalityKeyValues()).contains(io.micrometer.common.KeyValue.of("outcome",
                "cancelled"));
        assertThat(cancelled.getError()).isNull();
        assertThat(context("handle root/c", 0).getLowCardinalityKeyValues())
                .contains(io.micrometer.common.KeyValue.of("outcome", "success")); // handled all the same
        Observation.Context failed = context("ask root/c", 1);
        assertThat(failed.getLowCardinalityKeyValues()).contains(io.micrometer.common.KeyValue.of("outcome", "error"));
        assertThat(failed.getError()).isInstanceOf(MessageCrashedException.class);
        assertThat(stopped).containsExactlyInAnyOrderElementsOf(contexts());
    }

    @Test
    void withoutAnObservationRegistryNoObservationIsMadeAndTheCallersContextGoesOn() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .handler((s, m) -> Mono.deferContextual(ctx -> Mono.just(m + " " + ctx.getOrDefault("trace", "none"))))
                .build();
        root = start(Supervisor.named("root").child(spec));
        bind(SupervisorMetrics.of(root));
        StepVerifier.create(root.ref(spec).ask("m").contextWrite(Context.of("trace", "t-1")))
                .expectNext("m t-1").verifyComplete();
        assertThat(observations).doesNotHaveAnyObservation();
        assertThat(timer("root/c", "success").count()).isEqualTo(1);
    }

    @Test
    void customConventionsNameTheObservations() {
        root = start(Supervisor.named("root").child(echo("c")));
        MessageObservationConvention ask = new MessageObservationConvention() {
            @Override
            public String getName() {
                return "shop.ask";
            }

            @Override
            public KeyValues getLowCardinalityKeyValues(MessageObservationContext context) {
                return KeyValues.of("to", context.component());
            }
        };
        DefaultMessageObservationConvention handle = new DefaultMessageObservationConvention(
                MessageObservationContext.Kind.HANDLE) {
            @Override
            public String getName() {
                return "shop.handle";
            }
        };
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations).withObservationConventions(ask, handle));
        StepVerifier.create(root.<String, String>ref("c").ask("m")).expectNext("m").verifyComplete();
        assertThat(observations)
                .hasObservationWithNameEqualTo("shop.ask").that().hasLowCardinalityKeyValue("to", "root/c")
                .backToTestObservationRegistry()
                .hasObservationWithNameEqualTo("shop.handle").that().hasContextualNameEqualTo("handle root/c")
                .hasLowCardinalityKeyValue("outcome", "success");
    }

    @Test
    void cancellationOfTheHandlersMonoIsAnErrorOfTheHandling() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .handler((s, m) -> Mono.never())
                .processingTimeout(Duration.ofSeconds(1))
                .build();
        root = start(Supervisor.named("root").child(spec));
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations));
        root.ref(spec).tell("hang");
        advance(1_000);
        assertThat(context("handle root/c", 0).getError()).isInstanceOf(CancellationException.class);
        assertThat(timer("root/c", "error").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(1_000);
    }
}
