package io.reactorsupervisor.micrometer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.observation.ObservationRegistry;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.Supervisor;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * Micrometer metrics and observations for a supervision tree: what to publish, as an immutable,
 * copy-on-write spec; {@link #bindTo(MeterRegistry)} attaches it to a registry.
 *
 * <pre>{@code
 * SupervisorMetrics.Binding metrics = SupervisorMetrics.of(root)
 *         .withTags(Tags.of("app", "shop"))              // on every meter, beside component and supervisor.strategy
 *         .withMaxTaggedComponents(1_000)                // the default; the others are counted per supervisor
 *         .withObservationRegistry(observationRegistry)  // optional: an Observation per ask and per handling
 *         .bindTo(meterRegistry);
 * ...
 * metrics.close();                                       // meters removed, observer detached
 * }</pre>
 *
 * <h2>Meters</h2>
 * Every meter is tagged with {@code component} and {@code supervisor.strategy} (the strategy of
 * the component's supervisor, in lower case: {@code one_for_one}, {@code one_for_all},
 * {@code rest_for_one}) and with the common {@linkplain #withTags(Iterable) tags}. Per component:
 * <ul>
 *   <li>{@value #HANDLED} (function counter): messages handled (replied to, or completed);</li>
 *   <li>{@value #CRASHES} (function counter): failures, whatever their directive;</li>
 *   <li>{@value #RESTARTS} (function counter): restarts;</li>
 *   <li>{@value #DEAD_LETTERS} (function counter, tag {@code reason}: the
 *       {@link io.reactorsupervisor.DeadLetterReason} in lower case, one counter per reason);</li>
 *   <li>{@value #HANDLING} (timer, tag {@code outcome}: {@code success} or {@code error}): the time
 *       from the handler's call to its reply or failure, on the registry's clock;</li>
 *   <li>{@value #MAILBOX_DEPTH} and {@value #MAILBOX_CAPACITY} (gauges; the capacity of an
 *       unbounded mailbox is {@link Integer#MAX_VALUE});</li>
 *   <li>{@value #STATE} (gauges, tag {@code state}: one per
 *       {@link io.reactorsupervisor.ComponentState} in lower case, 1 for the component's state
 *       and 0 for the others, as Resilience4j's {@code resilience4j.circuitbreaker.state});</li>
 *   <li>{@value #RESTARTS_WINDOW} (gauge): the restarts its restart limit's window holds now;</li>
 *   <li>{@value #BREAKER_STATE} (gauges, tags {@code breaker} and {@code state}), only for a
 *       component whose calls a circuit breaker guards: one per breaker state ({@code closed},
 *       {@code open}, {@code half_open}, {@code disabled}, {@code forced_open},
 *       {@code metrics_only}), 1 for the breaker's state.</li>
 * </ul>
 * That is {@value #METERS_PER_COMPONENT} meters per component, plus 6 per guarding breaker.
 * Counters and gauges read the component's {@link ComponentRef#stats() stats} when the registry
 * reads them; nothing is counted per message. The timer is fed by a
 * {@link io.reactorsupervisor.MessageObserver} that the binding attaches to the tree.
 *
 * <h2>Cardinality</h2>
 * The first {@linkplain #withMaxTaggedComponents(int) maxTaggedComponents} components the
 * binding finds get meters of their own, tagged with their path. It finds those present when it
 * binds in start order, depth first, and those started later as they start (their
 * {@link io.reactorsupervisor.SupervisionEvent.Started} event, or their first message if that
 * comes first). Each later component gets no meters of its own: it is counted in the meters of
 * its supervisor's group, tagged {@code component="<supervisor path>/*"}, whose counters and
 * timers add up its members' and whose gauges add up their values (the {@code state} gauges
 * count the members in each state). So a tree of n components under s supervisors has at most
 * {@code (min(n, maxTaggedComponents) + s) * }{@value #METERS_PER_COMPONENT} meters, plus those
 * of breakers.
 *
 * <p>A component removed from the tree takes its meters with it and frees its place for the next
 * component that starts, when the binding handles the event of its removal (a
 * {@link io.reactorsupervisor.SupervisionEvent.Removed}, which every removal publishes, that of a
 * component that had stopped or failed too); a stopped or failed component still in the tree
 * keeps its meters, with its counts. A group's counters keep what
 * its removed members counted, and a group whose last member is removed is removed. A component
 * never moves between its own meters and its group.
 *
 * <h2>Sets of keyed components</h2>
 * A set ({@link io.reactorsupervisor.EntitiesSpec}) is counted in aggregate, never one meter per
 * key, however many keys come and go: gauges {@value #ENTITIES_ACTIVE}, {@value #ENTITIES_PASSIVATING},
 * {@value #ENTITIES_RESTARTING} and {@value #ENTITIES_WAITING}, counters
 * {@value #ENTITIES_ACTIVATIONS} and {@value #ENTITIES_PASSIVATIONS}, tagged
 * {@code component="<set path>"} (read from the set's snapshot, at most once a second), and its
 * keyed components in one group, tagged {@code component="<set path>/*"}, with the
 * {@value #METERS_PER_COMPONENT} meters of a component (handled, crashes, handling time...), which
 * stays while the set is in the tree even when no key is active, and takes no place among the
 * {@linkplain #withMaxTaggedComponents(int) tagged components}.
 *
 * <h2>Observations</h2>
 * With an {@linkplain #withObservationRegistry(ObservationRegistry) observation registry}, each
 * ask is an {@link io.micrometer.observation.Observation} named
 * {@value DefaultMessageObservationConvention#ASK_NAME} and each handling of a message one named
 * {@value DefaultMessageObservationConvention#HANDLE_NAME}, with the low-cardinality key values
 * {@code component} (as the meters' tag) and {@code outcome}, and the high-cardinality
 * {@code component.path}; see {@link DefaultMessageObservationConvention}. An ask's parent is the
 * observation in its subscriber's Reactor context (under
 * {@link io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor#KEY}), or
 * else the registry's current one; a handling's parent is the ask it answers (every delivery of
 * a redelivered message is one handling); an ask made while a message is handled is a child of
 * that handling. With a Brave or OpenTelemetry bridge, that is one span per hop, the caller's
 * span as parent.
 */
public final class SupervisorMetrics {

    /** The default of {@link #withMaxTaggedComponents(int)}: {@value}. */
    public static final int DEFAULT_MAX_TAGGED_COMPONENTS = 1_000;

    /** How many meters a component (or a group) has without breakers: {@value}. */
    public static final int METERS_PER_COMPONENT = 21;

    /** Messages handled: {@value}. */
    public static final String HANDLED = "reactor.supervisor.component.handled";
    /** Failures: {@value}. */
    public static final String CRASHES = "reactor.supervisor.component.crashes";
    /** Restarts: {@value}. */
    public static final String RESTARTS = "reactor.supervisor.component.restarts";
    /** Dead letters by reason: {@value}. */
    public static final String DEAD_LETTERS = "reactor.supervisor.component.dead.letters";
    /** Handling time by outcome: {@value}. */
    public static final String HANDLING = "reactor.supervisor.component.handling";
    /** Messages waiting: {@value}. */
    public static final String MAILBOX_DEPTH = "reactor.supervisor.component.mailbox.depth";
    /** Mailbox capacity: {@value}. */
    public static final String MAILBOX_CAPACITY = "reactor.supervisor.component.mailbox.capacity";
    /** Lifecycle state, 1 or 0 per state: {@value}. */
    public static final String STATE = "reactor.supervisor.component.state";
    /** Restarts in the restart limit's window: {@value}. */
    public static final String RESTARTS_WINDOW = "reactor.supervisor.component.restarts.window";
    /** Circuit breaker state, 1 or 0 per state: {@value}. */
    public static final String BREAKER_STATE = "reactor.supervisor.component.breaker.state";

    /** Keyed components of a set alive (starting, running, or stopping with the set): {@value}. */
    public static final String ENTITIES_ACTIVE = "reactor.supervisor.entities.active";
    /** Keyed components of a set being passivated: {@value}. */
    public static final String ENTITIES_PASSIVATING = "reactor.supervisor.entities.passivating";
    /** Keyed components of a set waiting out a restart delay: {@value}. */
    public static final String ENTITIES_RESTARTING = "reactor.supervisor.entities.restarting";
    /** Keys of a set with messages waiting for their component to start: {@value}. */
    public static final String ENTITIES_WAITING = "reactor.supervisor.entities.waiting";
    /** Keyed components a set started: {@value}. */
    public static final String ENTITIES_ACTIVATIONS = "reactor.supervisor.entities.activations";
    /** Keyed components a set passivated: {@value}. */
    public static final String ENTITIES_PASSIVATIONS = "reactor.supervisor.entities.passivations";

    /** The tag keys the binding sets itself, which common tags must not use. */
    static final Set<String> OWN_KEYS = Set.of("component", "supervisor.strategy", "reason", "outcome", "state",
            "breaker");

    private final Supervisor root;
    private final Tags tags;
    private final int maxTaggedComponents;
    private final @Nullable ObservationRegistry observationRegistry;
    private final @Nullable MessageObservationConvention askConvention;
    private final @Nullable MessageObservationConvention handleConvention;

    private SupervisorMetrics(Supervisor root, Tags tags, int maxTaggedComponents,
            @Nullable ObservationRegistry observationRegistry, @Nullable MessageObservationConvention askConvention,
            @Nullable MessageObservationConvention handleConvention) {
        this.root = root;
        this.tags = tags;
        this.maxTaggedComponents = maxTaggedComponents;
        this.observationRegistry = observationRegistry;
        this.askConvention = askConvention;
        this.handleConvention = handleConvention;
    }

    /**
     * Starts the description of a tree's metrics, with no common tags, at most
     * {@value #DEFAULT_MAX_TAGGED_COMPONENTS} components tagged individually, and no observations.
     *
     * @param root the root supervisor of the tree: a tree has one
     *     {@link io.reactorsupervisor.MessageObserver}, so the binding covers the whole tree
     * @return the spec
     * @throws NullPointerException if {@code root} is null
     * @throws IllegalArgumentException if {@code root} is a nested supervisor (its path has a '/')
     */
    public static SupervisorMetrics of(Supervisor root) {
        Objects.requireNonNull(root, "root");
        if (root.path().indexOf('/') >= 0) {
            throw new IllegalArgumentException("root must be the root supervisor of its tree (a path without '/'), "
                    + "but was '" + root.path() + "': a tree has one observer, so bind its root");
        }
        return new SupervisorMetrics(root, Tags.empty(), DEFAULT_MAX_TAGGED_COMPONENTS, null, null, null);
    }

    /**
     * Sets the tags added to every meter, replacing those set before.
     *
     * @param tags the common tags, for example {@code Tags.of("app", "shop")}
     * @return a new spec with these tags
     * @throws NullPointerException if {@code tags} or one of them is null
     * @throws IllegalArgumentException if a tag uses a key the binding sets itself
     *     ({@code component}, {@code supervisor.strategy}, {@code reason}, {@code outcome},
     *     {@code state}, {@code breaker})
     */
    public SupervisorMetrics withTags(Iterable<Tag> tags) {
        Objects.requireNonNull(tags, "tags");
        List<Tag> list = new ArrayList<>();
        for (Tag t : tags) {
            Objects.requireNonNull(t, "tags must not hold null");
            if (OWN_KEYS.contains(t.getKey())) {
                throw new IllegalArgumentException("tags must not use the keys the binding sets itself "
                        + "(component, supervisor.strategy, reason, outcome, state, breaker), but had '"
                        + t.getKey() + "'");
            }
            list.add(t);
        }
        return new SupervisorMetrics(root, Tags.of(list), maxTaggedComponents, observationRegistry, askConvention,
                handleConvention);
    }

    /**
     * Sets the tags added to every meter, as key/value pairs, replacing those set before.
     *
     * @param keyValues keys and values, alternately: {@code "app", "shop", "region", "eu"}
     * @return a new spec with these tags
     * @throws NullPointerException if {@code keyValues} or one of them is null
     * @throws IllegalArgumentException if their number is odd, or a key is one the binding sets
     *     itself (see {@link #withTags(Iterable)})
     */
    public SupervisorMetrics withTags(String... keyValues) {
        Objects.requireNonNull(keyValues, "keyValues");
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keyValues must be key/value pairs (an even number of strings), "
                    + "but had " + keyValues.length);
        }
        List<Tag> list = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            list.add(Tag.of(Objects.requireNonNull(keyValues[i], "keyValues must not hold null"),
                    Objects.requireNonNull(keyValues[i + 1], "keyValues must not hold null")));
        }
        return withTags(list);
    }

    /**
     * Sets how many components get meters of their own; the others are counted in their
     * supervisor's group (see the class description).
     *
     * @param maxTaggedComponents from 0 (every component in its supervisor's group) to
     *     {@link Integer#MAX_VALUE} (every component on its own); default
     *     {@value #DEFAULT_MAX_TAGGED_COMPONENTS}
     * @return a new spec with this limit
     * @throws IllegalArgumentException if {@code maxTaggedComponents} is negative
     */
    public SupervisorMetrics withMaxTaggedComponents(int maxTaggedComponents) {
        if (maxTaggedComponents < 0) {
            throw new IllegalArgumentException("maxTaggedComponents must be between 0 and " + Integer.MAX_VALUE
                    + ", but was " + maxTaggedComponents);
        }
        return new SupervisorMetrics(root, tags, maxTaggedComponents, observationRegistry, askConvention,
                handleConvention);
    }

    /**
     * Makes an {@link io.micrometer.observation.Observation} of each ask and each handling, in
     * this registry. Without one (the default), the binding makes no observations.
     *
     * @param observationRegistry the registry, for example Spring Boot's, or a
     *     {@code TestObservationRegistry}
     * @return a new spec that makes observations
     * @throws NullPointerException if {@code observationRegistry} is null
     */
    public SupervisorMetrics withObservationRegistry(ObservationRegistry observationRegistry) {
        Objects.requireNonNull(observationRegistry, "observationRegistry");
        return new SupervisorMetrics(root, tags, maxTaggedComponents, observationRegistry, askConvention,
                handleConvention);
    }

    /**
     * Replaces the conventions of the observations: their names, contextual names and key
     * values. Without them, a convention registered with the observation registry that
     * supports the context is used, and otherwise {@link DefaultMessageObservationConvention}.
     *
     * @param ask the convention of asks; it sees contexts of kind
     *     {@link MessageObservationContext.Kind#ASK}
     * @param handle the convention of handlings; it sees contexts of kind
     *     {@link MessageObservationContext.Kind#HANDLE}
     * @return a new spec with these conventions
     * @throws NullPointerException if an argument is null
     */
    public SupervisorMetrics withObservationConventions(MessageObservationConvention ask,
            MessageObservationConvention handle) {
        Objects.requireNonNull(ask, "ask");
        Objects.requireNonNull(handle, "handle");
        return new SupervisorMetrics(root, tags, maxTaggedComponents, observationRegistry, ask, handle);
    }

    /**
     * Registers the meters of the tree's components in {@code registry} (those present now, and
     * those started later), removes those of components removed from the tree, and attaches the
     * observer that feeds the handling timers and makes the observations. Meters that the
     * registry refuses (it throws) are left out and logged; the tree is never affected.
     *
     * @param registry the meter registry; to publish to several, bind once to a
     *     {@link io.micrometer.core.instrument.composite.CompositeMeterRegistry}
     * @return the binding: close it to remove the meters and detach the observer
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if the tree is bound already, or another
     *     {@link io.reactorsupervisor.MessageObserver} watches it
     */
    public Binding bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return TreeMeters.bind(this, registry);
    }

    /** @return the root supervisor of the tree */
    public Supervisor root() {
        return root;
    }

    /** @return the tags added to every meter */
    public Tags tags() {
        return tags;
    }

    /** @return how many components get meters of their own */
    public int maxTaggedComponents() {
        return maxTaggedComponents;
    }

    /** @return the registry of observations, or null when none are made */
    public @Nullable ObservationRegistry observationRegistry() {
        return observationRegistry;
    }

    /** @return the convention of asks, or null for the registry's or the default one */
    public @Nullable MessageObservationConvention askConvention() {
        return askConvention;
    }

    /** @return the convention of handlings, or null for the registry's or the default one */
    public @Nullable MessageObservationConvention handleConvention() {
        return handleConvention;
    }

    @Override
    public String toString() {
        return "SupervisorMetrics[root=" + root.path() + ", tags=" + tags + ", maxTaggedComponents="
                + maxTaggedComponents + ", observations=" + (observationRegistry != null) + "]";
    }

    /**
     * A tree bound to a meter registry. Closing it (or disposing it) removes every meter it
     * registered and detaches its observer; observations under way still end. Closing again
     * does nothing.
     */
    public interface Binding extends AutoCloseable, Disposable {

        /** Removes the meters and detaches the observer. */
        @Override
        void close();

        /** The same as {@link #close()}. */
        @Override
        default void dispose() {
            close();
        }

        /** @return true once closed */
        @Override
        boolean isDisposed();
    }
}
