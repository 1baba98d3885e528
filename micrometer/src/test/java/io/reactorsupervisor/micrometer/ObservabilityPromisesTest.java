package io.reactorsupervisor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Meter;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.GuardReports;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.MessageObserver;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/** Promises of README's Observability section and of the micrometer module's javadoc, on virtual time. */
class ObservabilityPromisesTest extends VirtualTimeTest {

    private TestObservationRegistry observations;
    private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

    @BeforeEach
    void observationRegistry() {
        observations = TestObservationRegistry.create();
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

    private List<Observation.Context> stopped(String contextualName) {
        List<Observation.Context> out = new ArrayList<>();
        for (Observation.Context c : stopped) {
            if (contextualName.equals(c.getContextualName())) {
                out.add(c);
            }
        }
        return out;
    }

    private static ComponentSpec<String, String> slowEcho(String name, Duration delay) {
        return ComponentSpec.<String, String, Object>named(name).state(Object::new)
                .handler((s, m) -> Mono.delay(delay).thenReturn(m)).build();
    }

    /**
     * README: "Every meter is tagged {@code component} (the path), {@code supervisor.strategy}
     * ({@code one_for_one}, {@code one_for_all}, {@code rest_for_one}: its supervisor's) and the
     * common tags", a group's meters included ({@code component="<supervisor path>/*"}).
     */
    @Test
    void everyMeterOfAComponentOrAGroupIsTaggedWithItsComponentItsSupervisorsStrategyAndTheCommonTags() {
        Supervisor root = start(Supervisor.named("root").strategy(SupervisionStrategy.ONE_FOR_ALL).child(echo("a"))
                .child(Supervisor.named("sub").strategy(SupervisionStrategy.REST_FOR_ONE)
                        .child(echo("x")).child(echo("y"))));
        bind(SupervisorMetrics.of(root).withTags("app", "billing").withMaxTaggedComponents(2));

        List<Meter> all = registry.getMeters();
        assertThat(all).hasSize(3 * SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(all).allSatisfy(m -> {
            assertThat(m.getId().getTag("app")).isEqualTo("billing");
            assertThat(m.getId().getName()).startsWith("reactor.supervisor.component.");
        });
        assertThat(all).extracting(m -> m.getId().getTag("component") + " " + m.getId().getTag("supervisor.strategy"))
                .containsOnly("root/a one_for_all", "root/sub/x rest_for_one", "root/sub/* rest_for_one");
        assertThat(meters("root/a")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(meters("root/sub/x")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(meters("root/sub/*")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
    }

    /** README's meter table: {@code handled} counts "messages handled (replied to, or completed)". */
    @Test
    void aHandlerThatCompletesWithoutReplyCountsAsHandled() {
        ComponentSpec<String, String> sink = ComponentSpec.<String, String, Object>named("sink").state(Object::new)
                .handler((s, m) -> Mono.empty()).build();
        Supervisor root = start(Supervisor.named("root").child(sink));
        bind(SupervisorMetrics.of(root));

        root.ref(sink).tell("a");
        StepVerifier.create(root.ref(sink).ask("b")).verifyComplete();
        advance(1);

        assertThat(counter(SupervisorMetrics.HANDLED, "root/sink")).isEqualTo(2);
        assertThat(timer("root/sink", "success").count()).isEqualTo(2);
    }

    /** README's meter table: {@code mailbox.capacity} is "2147483647: unbounded". */
    @Test
    void anUnboundedMailboxHasTheCapacityIntegerMaxValue() {
        Supervisor root = start(Supervisor.named("root").child(ComponentSpec.<String, String, Object>named("u")
                .state(Object::new).handler((s, m) -> Mono.just(m)).mailbox(Mailbox.unbounded()).build()));
        bind(SupervisorMetrics.of(root));

        assertThat(gauge(SupervisorMetrics.MAILBOX_CAPACITY, "root/u")).isEqualTo(2147483647.0);
    }

    /**
     * {@link DefaultMessageObservationConvention}: the low-cardinality {@code component} is "as the
     * meters' tag", so the supervisor's group {@code "<supervisor path>/*"} for a component without
     * meters of its own, while the high-cardinality {@code component.path} and the contextual name
     * keep its path.
     */
    @Test
    void theObservationsOfAGroupedComponentCarryItsGroupAsComponentAndItsPathAsComponentPath() {
        Supervisor root = start(Supervisor.named("root").child(echo("c")));
        bind(SupervisorMetrics.of(root).withMaxTaggedComponents(0).withObservationRegistry(observations));

        StepVerifier.create(root.<String, String>ref("c").ask("m")).expectNext("m").verifyComplete();

        for (String name : List.of("ask root/c", "handle root/c")) {
            assertThat(stopped(name)).singleElement().satisfies(c -> {
                assertThat(c.getLowCardinalityKeyValues())
                        .isEqualTo(KeyValues.of("component", "root/*", "outcome", "success"));
                assertThat(c.getHighCardinalityKeyValues()).isEqualTo(KeyValues.of("component.path", "root/c"));
            });
        }
        assertThat(timer("root/*", "success").count()).isEqualTo(1);
    }

    /**
     * README: each observation is "ended exactly once (with the reply, the failure, a refusal, ...)":
     * an ask the tree refuses (its component has stopped) ends as an error, and no handling is observed.
     */
    @Test
    void anAskRefusedByAStoppedComponentEndsItsObservationOnceAsAnError() {
        Supervisor root = start(Supervisor.named("root").child(echo("c")).child(echo("other")));
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations));
        root.stopChild("c", Duration.ofSeconds(1)).subscribe();
        advance(1);

        StepVerifier.create(root.<String, String>ref("c").ask("m"))
                .expectError(ComponentUnavailableException.class).verify(Duration.ofSeconds(5));

        assertThat(stopped("ask root/c")).singleElement().satisfies(c -> {
            assertThat(c.getLowCardinalityKeyValues()).contains(KeyValue.of("outcome", "error"));
            assertThat(c.getError()).isInstanceOf(ComponentUnavailableException.class);
        });
        assertThat(stopped("handle root/c")).isEmpty();
    }

    /**
     * {@link SupervisorMetrics.Binding}: closing it "removes every meter it registered and detaches
     * its observer; observations under way still end".
     */
    @Test
    void observationsUnderWayWhenTheBindingIsClosedStillEndAndLaterAsksAreNotObserved() {
        Supervisor root = start(Supervisor.named("root").child(slowEcho("slow", Duration.ofSeconds(1))));
        SupervisorMetrics.Binding binding = bind(SupervisorMetrics.of(root).withObservationRegistry(observations));
        ComponentRef<String, String> ref = root.ref("slow");
        List<String> replies = new CopyOnWriteArrayList<>();

        ref.ask("under way").subscribe(replies::add);
        advance(100);
        binding.close();
        assertThat(registry.getMeters()).isEmpty();
        advance(1_000);

        assertThat(replies).containsExactly("under way");
        assertThat(stopped("ask root/slow")).singleElement()
                .satisfies(c -> assertThat(c.getLowCardinalityKeyValues()).contains(KeyValue.of("outcome", "success")));
        assertThat(stopped("handle root/slow")).singleElement()
                .satisfies(c -> assertThat(c.getLowCardinalityKeyValues()).contains(KeyValue.of("outcome", "success")));

        StepVerifier.create(ref.ask("after"))
                .then(() -> advance(1_000)).expectNext("after").verifyComplete();
        assertThat(stopped).hasSize(2);
    }

    /**
     * {@link SupervisorMetrics#withObservationConventions}: "Without them, a convention registered
     * with the observation registry that supports the context is used".
     */
    @Test
    void withoutConventionsOfItsOwnTheBindingUsesAConventionRegisteredWithTheObservationRegistry() {
        observations.observationConfig().observationConvention(new GlobalAskConvention());
        Supervisor root = start(Supervisor.named("root").child(echo("c")));
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations));

        StepVerifier.create(root.<String, String>ref("c").ask("m")).expectNext("m").verifyComplete();

        assertThat(stopped("global ask root/c")).singleElement().satisfies(c -> {
            assertThat(c.getName()).isEqualTo(DefaultMessageObservationConvention.ASK_NAME);
            assertThat(c.getLowCardinalityKeyValues()).contains(KeyValue.of("team", "billing"));
        });
        assertThat(stopped("handle root/c")).hasSize(1);
    }

    private static final class GlobalAskConvention extends DefaultMessageObservationConvention
            implements GlobalObservationConvention<MessageObservationContext> {

        GlobalAskConvention() {
            super(MessageObservationContext.Kind.ASK);
        }

        @Override
        public String getContextualName(MessageObservationContext context) {
            return "global " + super.getContextualName(context);
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(MessageObservationContext context) {
            return super.getLowCardinalityKeyValues(context).and("team", "billing");
        }
    }

    /**
     * {@link DefaultMessageObservationConvention}: outcome "{@code unknown} while it runs", contextual
     * names {@code "ask <component path>"} and {@code "handle <component path>"}, and each instance
     * serves one kind.
     */
    @Test
    void theDefaultConventionSaysUnknownWhileAnObservationRunsAndServesOneKind() {
        MessageObservationContext ask = new MessageObservationContext(MessageObservationContext.Kind.ASK,
                "shop/ingest", "shop/ingest", "m");
        MessageObservationContext handle = new MessageObservationContext(MessageObservationContext.Kind.HANDLE,
                "shop/pipeline/parse", "shop/pipeline/*", "m");

        assertThat(DefaultMessageObservationConvention.ASK.getLowCardinalityKeyValues(ask))
                .isEqualTo(KeyValues.of("component", "shop/ingest", "outcome", "unknown"));
        assertThat(DefaultMessageObservationConvention.ASK.getContextualName(ask)).isEqualTo("ask shop/ingest");
        assertThat(DefaultMessageObservationConvention.HANDLE.getContextualName(handle))
                .isEqualTo("handle shop/pipeline/parse");
        assertThat(DefaultMessageObservationConvention.ASK.getName()).isEqualTo("reactor.supervisor.ask");
        assertThat(DefaultMessageObservationConvention.HANDLE.getName()).isEqualTo("reactor.supervisor.handle");
        assertThat(DefaultMessageObservationConvention.ASK.supportsContext(ask)).isTrue();
        assertThat(DefaultMessageObservationConvention.ASK.supportsContext(handle)).isFalse();
        assertThat(DefaultMessageObservationConvention.HANDLE.supportsContext(new Observation.Context())).isFalse();

        handle.setOutcome(MessageObservationContext.Outcome.CANCELLED);
        assertThat(DefaultMessageObservationConvention.HANDLE.getLowCardinalityKeyValues(handle))
                .isEqualTo(KeyValues.of("component", "shop/pipeline/*", "outcome", "cancelled"));
    }

    /**
     * README's Cardinality: a group's "gauges sum" (so {@code breaker.state} counts the members whose
     * breaker is in each state), and {@link SupervisorMetrics}: "6 per guarding breaker".
     */
    @Test
    void aGroupsBreakerGaugesCountItsMembersInEachBreakerState() {
        Supervisor root = start(Supervisor.named("root").child(echo("a")).child(echo("b")).child(echo("c")));
        bind(SupervisorMetrics.of(root).withMaxTaggedComponents(0));

        GuardReports.stateChanged(root.ref("a"), "pricing", "CLOSED", "OPEN");
        GuardReports.stateChanged(root.ref("b"), "pricing", "CLOSED", "CLOSED");
        GuardReports.stateChanged(root.ref("c"), "pricing", "CLOSED", "OPEN");
        advance(1);

        assertThat(gauge(SupervisorMetrics.BREAKER_STATE, "root/*", "breaker", "pricing", "state", "open")).isEqualTo(2);
        assertThat(gauge(SupervisorMetrics.BREAKER_STATE, "root/*", "breaker", "pricing", "state", "closed"))
                .isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.BREAKER_STATE, "root/*", "breaker", "pricing", "state", "half_open"))
                .isZero();
        assertThat(meters("root/*")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT + 6);
    }

    /**
     * {@link SupervisorMetrics}, Cardinality: components started later are found "as they start
     * (their Started event, or their first message if that comes first)", so the first message of a
     * component started after the binding is timed.
     */
    @Test
    void theFirstMessageOfAComponentStartedAfterTheBindingIsTimed() {
        Supervisor root = start(Supervisor.named("root").child(echo("first")));
        bind(SupervisorMetrics.of(root));

        root.startChild(echo("late")).subscribe();
        root.<String, String>ref("late").tell("m");
        advance(1);

        assertThat(meters("root/late")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(timer("root/late", "success").count()).isEqualTo(1);
        assertThat(counter(SupervisorMetrics.HANDLED, "root/late")).isEqualTo(1);
    }

    /**
     * {@link SupervisorMetrics#bindTo}: "@throws IllegalStateException if ... another
     * MessageObserver watches it", and the tree is left as it was.
     */
    @Test
    void bindingATreeThatAnotherMessageObserverWatchesFailsAndRegistersNothing() {
        Supervisor root = start(Supervisor.named("root").child(echo("c")));
        Disposable other = root.observe(new MessageObserver() {
            @Override
            public Observation askSent(ComponentRef<?, ?> component, Object message, ContextView context) {
                return ended(context);
            }

            @Override
            public Observation handlingStarted(ComponentRef<?, ?> component, Object message, ContextView context) {
                return ended(context);
            }

            private Observation ended(ContextView context) {
                return new Observation() {
                    @Override
                    public ContextView context() {
                        return context;
                    }

                    @Override
                    public void ended(Throwable error) {
                    }
                };
            }
        });

        assertThatThrownBy(() -> SupervisorMetrics.of(root).bindTo(registry))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the tree of 'root' is bound already, or another MessageObserver watches it");
        assertThat(registry.getMeters()).isEmpty();

        other.dispose();
        bind(SupervisorMetrics.of(root));
        assertThat(meters("root/c")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
    }

    /**
     * {@link SupervisorMetrics}, Cardinality: "A component removed from the tree takes its meters with
     * it and frees its place for the next component that starts", one that had stopped first too,
     * while a stopped component still in the tree keeps its meters and counts.
     */
    @Test
    void aStoppedComponentKeepsItsMetersUntilItIsRemovedWhichFreesItsPlace() {
        Supervisor root = start(Supervisor.named("root").child(echo("a")).child(echo("b")));
        bind(SupervisorMetrics.of(root).withMaxTaggedComponents(1));
        StepVerifier.create(root.<String, String>ref("a").ask("m")).expectNext("m").verifyComplete();

        root.stopChild("a", Duration.ofSeconds(1)).subscribe();
        advance(1);
        assertThat(meters("root/a")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(counter(SupervisorMetrics.HANDLED, "root/a")).isEqualTo(1);
        assertThat(gauge(SupervisorMetrics.STATE, "root/a", "state", "stopped")).isEqualTo(1);

        root.removeChild("a", Duration.ofSeconds(1)).subscribe();
        advance(1);
        assertThat(meters("root/a")).isZero();
        root.startChild(echo("c")).subscribe();
        advance(1);
        assertThat(meters("root/c")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
        assertThat(meters("root/b")).isZero();
        assertThat(meters("root/*")).isEqualTo(SupervisorMetrics.METERS_PER_COMPONENT);
    }

    /**
     * README's Traces: "a handler runs with its handling as the current observation", a handler that
     * returns a Mono as well as a synchronous one, and none is left current afterwards.
     */
    @Test
    void anAsynchronousHandlerIsCalledWithItsHandlingAsTheCurrentObservation() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("async")
                .state(Object::new)
                .handler((s, m) -> {
                    Observation current = observations.getCurrentObservation();
                    seen.add(current == null ? "none" : current.getContext().getName() + " "
                            + ((MessageObservationContext) current.getContext()).componentPath());
                    return Mono.just(m);
                })
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations));

        StepVerifier.create(root.ref(spec).ask("m")).expectNext("m").verifyComplete();

        assertThat(seen).containsExactly("reactor.supervisor.handle root/async");
        assertThat(observations.getCurrentObservation()).isNull();
    }

    /**
     * README: "The caller's Reactor context, and the trace in it, reaches the handlers", with
     * observations made too: the handler's context holds the caller's entries and, under
     * {@code ObservationThreadLocalAccessor.KEY}, its handling.
     */
    @Test
    void withObservationsTheCallersContextStillReachesTheHandlerBesideItsHandling() {
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .handler((s, m) -> Mono.deferContextual(ctx -> {
                    Object o = ctx.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
                    String handling = o instanceof Observation
                            ? ((Observation) o).getContext().getName() : "none";
                    return Mono.just(m + " " + ctx.getOrDefault("trace", "none") + " " + handling);
                }))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        bind(SupervisorMetrics.of(root).withObservationRegistry(observations));

        StepVerifier.create(root.ref(spec).ask("m").contextWrite(Context.of("trace", "t-1")))
                .expectNext("m t-1 reactor.supervisor.handle").verifyComplete();
    }

    /** The javadoc's {@code @throws NullPointerException}: each names the parameter. */
    @Test
    void nullArgumentsAreRefusedWithTheParameterName() {
        Supervisor root = start(Supervisor.named("root").child(echo("c")));
        SupervisorMetrics spec = SupervisorMetrics.of(root);

        assertThatThrownBy(() -> spec.withObservationConventions(DefaultMessageObservationConvention.ASK, null))
                .isInstanceOf(NullPointerException.class).hasMessage("handle");
        assertThatThrownBy(() -> spec.withTags((String[]) null))
                .isInstanceOf(NullPointerException.class).hasMessage("keyValues");
        assertThatThrownBy(() -> spec.withTags("app", null))
                .isInstanceOf(NullPointerException.class).hasMessage("keyValues must not hold null");
        assertThatThrownBy(() -> new MessageObservationContext(null, "p", "c", "m"))
                .isInstanceOf(NullPointerException.class).hasMessage("kind");
        assertThatThrownBy(() -> new MessageObservationContext(MessageObservationContext.Kind.ASK, null, "c", "m"))
                .isInstanceOf(NullPointerException.class).hasMessage("componentPath");
        assertThatThrownBy(() -> new MessageObservationContext(MessageObservationContext.Kind.ASK, "p", null, "m"))
                .isInstanceOf(NullPointerException.class).hasMessage("component");
        assertThatThrownBy(() -> new MessageObservationContext(MessageObservationContext.Kind.ASK, "p", "c", null))
                .isInstanceOf(NullPointerException.class).hasMessage("message");
        assertThatThrownBy(() -> new MessageObservationContext(MessageObservationContext.Kind.ASK, "p", "c", "m")
                .setOutcome(null)).isInstanceOf(NullPointerException.class).hasMessage("outcome");
        assertThatThrownBy(() -> new DefaultMessageObservationConvention(null) { })
                .isInstanceOf(NullPointerException.class).hasMessage("kind");
        assertThatThrownBy(() -> SupervisorMetrics.of(root).withMaxTaggedComponents(Integer.MIN_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTaggedComponents must be between 0 and 2147483647, but was -2147483648");
    }
}
