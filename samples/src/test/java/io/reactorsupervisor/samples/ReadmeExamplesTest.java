package io.reactorsupervisor.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.Directive;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartPolicy;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.circuitbreaker.CircuitBreakerGuard;
import io.reactorsupervisor.circuitbreaker.GuardedRef;
import io.reactorsupervisor.micrometer.SupervisorMetrics;
import io.reactorsupervisor.wasm.WasmCodec;
import io.reactorsupervisor.wasm.WasmInstance;
import io.reactorsupervisor.wasm.WasmModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The examples of the README, compiled and run. Each {@code tag::name[]} region below appears
 * in README.md, character for character after its indentation is removed, under
 * {@code <!-- snippet: name -->}; {@link #theReadmeShowsExactlyTheseExamples()} checks it.
 */
class ReadmeExamplesTest {

    private final List<Supervisor> trees = new ArrayList<>();

    @AfterEach
    void shutDownTrees() {
        trees.forEach(t -> t.shutdown(Duration.ofSeconds(1)).block(Duration.ofSeconds(5)));
    }

    @Test
    void quickStart() {
        // tag::quick-start[]
        ComponentSpec<String, Integer> counter = ComponentSpec.<String, Integer, AtomicInteger>named("counter")
                .state(AtomicInteger::new)                   // fresh state for every incarnation
                .syncHandler((count, word) -> {
                    if (word.equals("boom")) {
                        throw new IllegalStateException("boom"); // a crash ends the incarnation
                    }
                    return count.incrementAndGet();
                })
                .build();

        Supervisor root = Supervisor.named("root").child(counter).start();
        ComponentRef<String, Integer> ref = root.ref(counter);

        ref.tell("a");                                           // fire and forget
        Integer two = ref.ask("b").block(Duration.ofSeconds(1)); // request/reply: 2
        ref.tell("boom");                                        // crashes it; restarted at once
        Integer one = ref.ask("c").block(Duration.ofSeconds(1)); // 1: the new incarnation's fresh state
        root.shutdown(Duration.ofSeconds(5)).block();            // drain the mailboxes, then stop
        // end::quick-start[]

        assertThat(two).isEqualTo(2);
        assertThat(one).isEqualTo(1);
        assertThat(((ComponentSnapshot) root.snapshot().child("counter")).restarts()).isEqualTo(1);
    }

    /** A ledger that charges orders; its charge may fail, which is a crash. */
    static final class Ledger {
        Mono<String> charge(String order) {
            return Mono.just("receipt for " + order);
        }
    }

    @Test
    void everyOptionOfAComponent() {
        // tag::component-spec[]
        ComponentSpec<String, String> billing = ComponentSpec.<String, String, Ledger>named("billing")
                .state(Ledger::new)
                .handler((ledger, order) -> ledger.charge(order))         // returns a Mono of the reply
                .restart(RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0)
                        .withJitter(0.2)                                  // spread restarts that coincide
                        .withResetAfter(Duration.ofMinutes(1)))           // start the backoff over after 1 min up
                .limit(RestartLimit.of(5, Duration.ofMinutes(1)))         // the 6th restart within 1 min: FAILED
                .policy(RestartPolicy.PERMANENT)                          // restart after crash and normal exit
                .mailbox(Mailbox.bounded(1_000))                          // full: refused and dead-lettered
                .redeliveries(1)                                          // the message that crashed it: once more
                .healthCheck(HealthCheck.every(Duration.ofSeconds(10))    // liveness: is it making progress?
                        .withTimeout(Duration.ofSeconds(5))               // one message in progress longer: a failure
                        .withUnhealthyAfter(3))                           // 3 failed checks in a row: restarted as hung
                .processingTimeout(Duration.ofSeconds(30))                // one message taking longer: a crash
                .onFailure(IllegalArgumentException.class, Directive.RESUME) // a bad order: rejected, state kept
                .readinessThreshold(0.8)                                  // not ready above 800 waiting
                .build();
        // end::component-spec[]

        Supervisor root = track(Supervisor.named("root").child(billing).start());
        assertThat(root.ref(billing).ask("order 1").block(Duration.ofSeconds(1))).isEqualTo("receipt for order 1");
        assertThat(billing.restartLimit()).isEqualTo(RestartLimit.of(5, Duration.ofMinutes(1)));
        assertThat(billing.directiveFor(new IllegalArgumentException("bad order"))).isEqualTo(Directive.RESUME);
        assertThat(billing.readinessThreshold()).isEqualTo(0.8);
        assertThat(billing.mailbox().capacity()).isEqualTo(1_000);
    }

    private static ComponentSpec<String, String> echo(String name) {
        return ComponentSpec.<String, String, Object>named(name).state(Object::new).syncHandler((s, m) -> m).build();
    }

    @Test
    void aTreeOfSupervisors() {
        ComponentSpec<String, String> database = echo("database");
        ComponentSpec<String, String> parser = echo("parser");
        ComponentSpec<String, String> router = echo("router");
        ComponentSpec<String, String> cache = echo("cache");
        // tag::supervision-tree[]
        Supervisor root = Supervisor.named("root")
                .strategy(SupervisionStrategy.ONE_FOR_ONE)                // the default
                .intensity(RestartLimit.of(10, Duration.ofMinutes(1)))    // restarts of all children: OTP's intensity
                .child(database)
                .child(Supervisor.named("api")
                        .strategy(SupervisionStrategy.REST_FOR_ONE)       // a crash restarts the child and later ones
                        .escalateOnFailure()                              // a child that gives up fails "api" too
                        .child(parser)
                        .child(router))
                .start();

        ComponentRef<String, String> routerRef = root.ref("api/router");  // by path; or root.ref(router), by spec
        root.startChild(cache);                                           // a child added at runtime, started last
        System.out.print(root.snapshot().render());
        root.supervisor("api").restartChild("parser");                    // a fresh incarnation of parser, soon
        // end::supervision-tree[]
        track(root);

        assertThat(routerRef.path()).isEqualTo("root/api/router");
        // the restarted parser and the added cache each begin on a thread of their scheduler: wait for both
        String tree = "(?s)root \\[supervisor ONE_FOR_ONE\\] RUNNING restarts=0 uptime=[^\n]+\n"
                + "├─ database \\[component\\] RUNNING restarts=0 mailbox=0 handled=0 dead=0 uptime=[^\n]+\n"
                + "├─ api \\[supervisor REST_FOR_ONE\\] RUNNING restarts=0 uptime=[^\n]+\n"
                + "│  ├─ parser \\[component\\] RUNNING restarts=1 mailbox=0 handled=0 dead=0 uptime=[^\n]+\n"
                + "│  └─ router \\[component\\] RUNNING restarts=0 mailbox=0 handled=0 dead=0 uptime=[^\n]+\n"
                + "└─ cache \\[component\\] RUNNING restarts=0 mailbox=0 handled=0 dead=0 uptime=[^\n]+\n";
        await().atMost(Duration.ofSeconds(10)).until(() -> root.snapshot().render().matches(tree));
        assertThat(((ComponentSnapshot) root.snapshot().child("api/parser")).restarts()).isEqualTo(1);
        assertThat(root.snapshot().countByState()).containsEntry(ComponentState.RUNNING, 3);
    }

    @Test
    void eventsAndDeadLetters() {
        ComponentSpec<String, Integer> counter = ComponentSpec.<String, Integer, AtomicInteger>named("counter")
                .state(AtomicInteger::new)
                .syncHandler((count, word) -> {
                    if (word.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return count.incrementAndGet();
                })
                .build();
        Supervisor root = track(Supervisor.named("root").child(counter).start());
        ComponentRef<String, Integer> ref = root.ref(counter);
        // tag::events[]
        List<String> log = new CopyOnWriteArrayList<>();
        root.events()                                      // the last 256 events first, then live ones
                .filter(e -> e instanceof SupervisionEvent.Crashed || e instanceof SupervisionEvent.Restarting)
                .subscribe(e -> log.add(e.path() + " " + e.getClass().getSimpleName()));
        List<SupervisionEvent.DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
        root.deadLetters().subscribe(deadLetters::add);   // messages that will not be handled, with the reason

        ref.tell("boom");
        // end::events[]
        ref.ask("after").block(Duration.ofSeconds(1));

        // events reach subscribers on the tree's event hub, after the reply to "after" may have come
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(log)
                .containsExactly("root/counter Crashed", "root/counter Restarting"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !deadLetters.isEmpty());
        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.message()).isEqualTo("boom");
            assertThat(d.reason()).isEqualTo(DeadLetterReason.CRASHED);
            assertThat(d.cause()).hasMessage("boom");
        });
    }

    @Test
    void callsThroughACircuitBreaker() {
        ComponentSpec<String, String> ratesSpec = ComponentSpec.<String, String, Object>named("rates")
                .state(Object::new)
                .syncHandler((s, currency) -> "1.08")
                .build();
        Supervisor root = track(Supervisor.named("root").child(ratesSpec).start());
        // tag::circuit-breaker[]
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        GuardedRef<String, String> rates = CircuitBreakerGuard.of(root.<String, String>ref("rates"))
                .circuitBreaker(registry, "rates")                       // one Mono, one call counted
                .timeLimiter(TimeLimiter.of(Duration.ofSeconds(2)))      // no reply in 2 s: a failure
                .fallback((currency, cause) -> Mono.just("1.00"))        // degraded mode: errors and OPEN
                .build();

        String rate = rates.ask("EUR").block(Duration.ofSeconds(3));
        // end::circuit-breaker[]

        assertThat(rate).isEqualTo("1.08");
        registry.circuitBreaker("rates").transitionToOpenState();
        assertThat(rates.ask("EUR").block(Duration.ofSeconds(3))).isEqualTo("1.00");
        assertThat(((ComponentSnapshot) root.snapshot().child("rates")).circuitBreakers())
                .containsEntry("rates", "OPEN");
    }

    @Test
    void aWebAssemblyComponent() throws IOException {
        String wat = resource("wasm/echo.wat");
        // tag::wasm[]
        WasmModule module = WasmModule.builder()
                .bytes(Wat2Wasm.parse(wat))          // or .resource("wasm/echo.wasm"), .path(...)
                .memoryLimitPages(1)                 // 64 KiB of linear memory at most
                .timeBudget(Duration.ofMillis(100))  // a call still running then is stopped: a trap
                .build();                            // parsed, checked against the ABI, compiled: once

        ComponentSpec<String, String> echo = ComponentSpec.<String, String, WasmInstance>named("echo")
                .state(module::newInstance)          // a fresh instance, fresh memory, per incarnation
                .syncHandler(WasmInstance.handler(WasmCodec.utf8(), WasmCodec.utf8()))
                .build();
        // end::wasm[]

        Supervisor root = track(Supervisor.named("root").child(echo).start());
        assertThat(root.ref(echo).ask("hello, wasm").block(Duration.ofSeconds(1))).isEqualTo("hello, wasm");
    }

    @Test
    void metricsAndObservations() {
        Supervisor root = track(Supervisor.named("root").child(echo("billing")).start());
        MeterRegistry meterRegistry = new SimpleMeterRegistry();
        ObservationRegistry observationRegistry = ObservationRegistry.create();
        // tag::micrometer[]
        SupervisorMetrics.Binding metrics = SupervisorMetrics.of(root)   // the root: the whole tree
                .withTags("app", "billing")                              // on every meter
                .withMaxTaggedComponents(1_000)                          // the default: see Cardinality
                .withObservationRegistry(observationRegistry)            // optional: asks and handlings observed
                .bindTo(meterRegistry);                                  // components started later too

        root.<String, String>ref("billing").ask("order 1").block(Duration.ofSeconds(1));
        double handled = meterRegistry.get("reactor.supervisor.component.handled")
                .tag("component", "root/billing").functionCounter().count(); // 1.0
        metrics.close();                                                 // meters removed, observer detached
        // end::micrometer[]

        assertThat(handled).isEqualTo(1);
        assertThat(meterRegistry.getMeters()).isEmpty();
    }

    // tag::virtual-time[]
    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();                            // the next test gets the real schedulers back
    }

    @Test
    void aCrashedComponentRestartsAfterItsDelay() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.getOrSet(); // before start(): every timer is virtual
        ComponentSpec<String, String> flaky = ComponentSpec.<String, String, Object>named("flaky")
                .state(Object::new)
                .syncHandler((state, m) -> {
                    if (m.equals("crash")) {
                        throw new IllegalStateException("crash");
                    }
                    return m;
                })
                .restart(RestartStrategy.delayed(Duration.ofSeconds(30)))
                .build();
        Supervisor root = Supervisor.named("root").child(flaky).start();
        ComponentRef<String, String> ref = root.ref(flaky);

        ref.tell("crash");
        Mono<String> reply = ref.ask("hello");                 // waits in the mailbox across the restart
        StepVerifier.create(reply)
                .then(() -> vts.advanceTimeBy(Duration.ofSeconds(29)))
                .then(() -> assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING))
                .then(() -> vts.advanceTimeBy(Duration.ofSeconds(1)))
                .expectNext("hello")
                .verifyComplete();
        assertThat(ref.state()).isEqualTo(ComponentState.RUNNING);
    }

    @Test
    void aHungComponentIsRestartedByItsHealthCheck() {
        StepVerifier.withVirtualTime(() -> {                    // the tree is started inside: virtual time
            ComponentSpec<String, String> stuck = ComponentSpec.<String, String, Object>named("stuck")
                    .state(Object::new)
                    .handler((state, m) -> m.equals("hang") ? Mono.<String>never() : Mono.just(m))
                    .healthCheck(HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5)))
                    .build();
            Supervisor root = Supervisor.named("root").child(stuck).start();
            root.ref(stuck).tell("hang");
            return root.events().ofType(SupervisionEvent.Restarted.class).next();
        })
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(34))           // checks at 10, 20, 30 s, each failing 5 s later
                .thenAwait(Duration.ofSeconds(1))                // the third one's timeout: restarted as hung
                .assertNext(restarted -> assertThat(restarted.path()).isEqualTo("root/stuck"))
                .verifyComplete();
    }
    // end::virtual-time[]

    // ------------------------------------------------------------------ the README itself

    /** Each snippet of the README is one of the regions above, and each region is in the README. */
    @Test
    void theReadmeShowsExactlyTheseExamples() throws IOException {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        String readme = Files.readString(module.resolve("../README.md"), StandardCharsets.UTF_8);
        Map<String, String> regions = regions(Files.readString(
                module.resolve("src/test/java/io/reactorsupervisor/samples/ReadmeExamplesTest.java"),
                StandardCharsets.UTF_8));
        Map<String, String> snippets = snippets(readme);

        assertThat(snippets.keySet()).containsExactlyInAnyOrderElementsOf(regions.keySet());
        regions.forEach((name, code) -> assertThat(snippets.get(name)).as("README snippet '%s'", name).isEqualTo(code));
        assertThat(fileSnippet(readme, "samples/src/test/resources/wasm/echo.wat"))
                .isEqualTo(resource("wasm/echo.wat"));
    }

    private static final Pattern REGION = Pattern.compile(
            "(?m)^[ \\t]*// tag::([a-z-]+)\\[\\]\\n(.*?)^[ \\t]*// end::\\1\\[\\]\\n", Pattern.DOTALL);
    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- snippet: ([a-z-]+) -->\\n```java\\n(.*?)```\\n", Pattern.DOTALL);

    private static Map<String, String> regions(String source) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher m = REGION.matcher(source);
        while (m.find()) {
            regions.put(m.group(1), dedent(m.group(2)));
        }
        return regions;
    }

    private static Map<String, String> snippets(String readme) {
        Map<String, String> snippets = new LinkedHashMap<>();
        Matcher m = SNIPPET.matcher(readme);
        while (m.find()) {
            snippets.put(m.group(1), m.group(2));
        }
        return snippets;
    }

    private static String fileSnippet(String readme, String path) {
        Matcher m = Pattern.compile("<!-- snippet-file: " + Pattern.quote(path) + " -->\\n```[a-z]*\\n(.*?)```\\n",
                Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README shows %s", path).isTrue();
        return m.group(1);
    }

    private static String dedent(String code) {
        String[] lines = code.split("\n", -1);
        int indent = Integer.MAX_VALUE;
        for (String line : lines) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            sb.append(line.isBlank() ? "" : line.substring(indent));
            if (i < lines.length - 1) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ReadmeExamplesTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Supervisor track(Supervisor root) {
        trees.add(root);
        return root;
    }
}
