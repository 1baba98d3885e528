package io.reactorsupervisor.spring;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.reactorsupervisor.RestartPolicy;
import io.reactorsupervisor.SupervisionStrategy;

/**
 * The configuration of the supervision tree under {@code reactor-supervisor}: the root,
 * settings for every component ({@code defaults}) and per-component overrides by path
 * ({@code components.<path>}), the way {@code resilience4j.circuitbreaker.instances.<name>}
 * works. Precedence: the spec as the application built it, then {@code defaults}, then
 * {@code components.<path>}; only the keys given change anything.
 *
 * <pre>
 * reactor-supervisor:
 *   root:
 *     strategy: one-for-one
 *   defaults:
 *     restart: { strategy: exponential-backoff, initial: 100ms, max: 10s }
 *     limit: { max-restarts: 5, within: 1m }
 *   components:
 *     "[shop/billing]":
 *       mailbox: { capacity: 500 }
 * </pre>
 *
 * <p>The descriptions of the components below are plain sentences: Spring Boot's configuration
 * processor copies them, as they are, into the metadata an IDE shows.
 *
 * @param enabled Whether the starter builds and starts a supervision tree.
 * @param root The root supervisor.
 * @param defaults Settings applied to every component of the tree (not to supervisors).
 * @param components Settings applied to one child, by its path below the root, such as billing or
 *     shop/billing. In YAML, write a path with a '/' in brackets and quotes: "[shop/billing]".
 * @param startupTimeout How long the context waits for the tree's children to start.
 * @param shutdownDeadline The tree's shutdown deadline. Defaults to
 *     spring.lifecycle.timeout-per-shutdown-phase.
 * @param recentEvents How many recent events and dead letters the supervision endpoint keeps.
 * @param metrics How the tree is bound to the application's MeterRegistry.
 */
@ConfigurationProperties("reactor-supervisor")
public record SupervisorProperties(@DefaultValue("true") boolean enabled, @DefaultValue Root root,
        @DefaultValue Settings defaults, @Nullable Map<String, Settings> components,
        @DefaultValue("30s") Duration startupTimeout, @Nullable Duration shutdownDeadline,
        @DefaultValue("100") int recentEvents, @DefaultValue Metrics metrics) {

    /** The most events the endpoint can be asked to keep. */
    public static final int MAX_RECENT_EVENTS = 100_000;

    /**
     * Checks the values that need no other value.
     *
     * @param enabled whether the starter builds and starts a tree
     * @param root the root supervisor
     * @param defaults settings applied to every component
     * @param components settings applied to one child, by its path below the root
     * @param startupTimeout how long the context waits for the tree's children to start, positive, at most 36500 days
     * @param shutdownDeadline the tree's shutdown deadline, positive and at most 36500 days when given
     * @param recentEvents how many recent events the endpoint keeps, 0 to {@value #MAX_RECENT_EVENTS}
     * @param metrics how the tree is bound to the application's {@code MeterRegistry}
     * @throws IllegalArgumentException naming the key of a value out of range
     */
    public SupervisorProperties {
        components = components == null ? Map.of() : Map.copyOf(new TreeMap<>(components));
        Keys.positive(startupTimeout, "reactor-supervisor.startup-timeout");
        if (shutdownDeadline != null) {
            Keys.positive(shutdownDeadline, "reactor-supervisor.shutdown-deadline");
        }
        if (recentEvents < 0 || recentEvents > MAX_RECENT_EVENTS) {
            throw new IllegalArgumentException("reactor-supervisor.recent-events must be between 0 and "
                    + MAX_RECENT_EVENTS + ", was " + recentEvents);
        }
    }

    /**
     * How the tree is bound to the application's {@code MeterRegistry} (through the
     * {@code reactor-supervisor-micrometer} module's {@code SupervisorMetrics}).
     *
     * <pre>
     * reactor-supervisor.metrics.tags.app=shop
     * reactor-supervisor.metrics.max-tagged-components=200
     * </pre>
     *
     * @param enabled Whether the tree is bound to the application's MeterRegistry at all.
     * @param tags Tags added to every meter of the tree, by key, such as tags.app=shop. Not a key the
     *     binding sets itself: component, supervisor.strategy, reason, outcome, state or breaker.
     * @param maxTaggedComponents How many components get meters of their own, the others being
     *     counted in their supervisor's group. Defaults to the library's default, 1,000.
     * @param observations Whether each ask and handling is an Observation in the application's
     *     ObservationRegistry, when it has one.
     */
    public record Metrics(@DefaultValue("true") boolean enabled, @Nullable Map<String, String> tags,
            @Nullable Integer maxTaggedComponents, @DefaultValue("true") boolean observations) {

        /**
         * Checks the tags and the limit.
         *
         * @param enabled whether the tree is bound at all
         * @param tags tags added to every meter, by key, each key and value not blank
         * @param maxTaggedComponents how many components get meters of their own, 0 or more when given
         * @param observations whether asks and handlings are observed
         * @throws IllegalArgumentException naming the key of a value out of range
         */
        public Metrics {
            tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                if (tag.getKey().isBlank() || tag.getValue() == null || tag.getValue().isBlank()) {
                    throw new IllegalArgumentException("reactor-supervisor.metrics.tags must have keys and values "
                            + "that are not blank, but had '" + tag.getKey() + "' = '" + tag.getValue() + "'");
                }
            }
            if (maxTaggedComponents != null && maxTaggedComponents < 0) {
                throw new IllegalArgumentException("reactor-supervisor.metrics.max-tagged-components must be between 0 and "
                        + Integer.MAX_VALUE + ", was " + maxTaggedComponents);
            }
        }
    }

    /**
     * The root supervisor.
     *
     * @param name The root's name.
     * @param strategy How the root restarts its children.
     * @param intensity The root's restart intensity across all its children. Defaults to the
     *     library's default.
     * @param escalateOnFailure Whether the root fails when a child gives up (then the tree
     *     terminates, health is DOWN and liveness BROKEN), instead of carrying on without it.
     */
    public record Root(@DefaultValue("root") String name, @DefaultValue("one-for-one") SupervisionStrategy strategy,
            @Nullable Limit intensity, @DefaultValue("false") boolean escalateOnFailure) {
    }

    /**
     * Settings of a component (or, for {@code restart}, {@code limit} and {@code policy}, a
     * supervisor); each absent key leaves the spec's value.
     *
     * @param restart The restart strategy.
     * @param limit The restart limit.
     * @param policy When the child is restarted: permanent, transient or temporary.
     * @param mailbox The mailbox.
     * @param healthCheck The health check.
     * @param processingTimeout The longest a message may be handled before it counts as a crash.
     */
    public record Settings(@Nullable Restart restart, @Nullable Limit limit, @Nullable RestartPolicy policy,
            @Nullable MailboxSettings mailbox, @Nullable HealthCheckSettings healthCheck,
            @Nullable Duration processingTimeout) {

        /** Whether only the keys a supervisor has (restart, limit, policy) are given. */
        boolean supervisorOnly() {
            return mailbox == null && healthCheck == null && processingTimeout == null;
        }
    }

    /**
     * A restart strategy. {@code immediate} needs nothing; {@code delayed} needs {@code delay};
     * {@code exponential-backoff} needs {@code initial} and {@code max}.
     *
     * @param strategy Which strategy: immediate, delayed or exponential-backoff.
     * @param delay The delay before each restart (delayed).
     * @param initial The first delay (exponential-backoff).
     * @param max The longest delay (exponential-backoff).
     * @param multiplier The factor between delays (exponential-backoff). Defaults to 2.
     * @param jitter The share of random jitter, 0 to 1 (exponential-backoff).
     * @param resetAfter The running time without a crash after which the backoff starts over.
     */
    public record Restart(Kind strategy, @Nullable Duration delay, @Nullable Duration initial,
            @Nullable Duration max, @Nullable Double multiplier, @Nullable Double jitter,
            @Nullable Duration resetAfter) {
    }

    /** The restart strategies configuration can name. */
    public enum Kind {
        /** Restart at once. */
        IMMEDIATE,
        /** Wait a fixed delay before each restart. */
        DELAYED,
        /** Wait a growing delay before each restart. */
        EXPONENTIAL_BACKOFF
    }

    /**
     * A restart limit: at most {@code max-restarts} within {@code within}, or {@code unlimited}.
     *
     * @param maxRestarts The most restarts within the window.
     * @param within The length of the sliding window.
     * @param unlimited Whether restarts are unlimited (then the other two must be absent).
     */
    public record Limit(@Nullable Integer maxRestarts, @Nullable Duration within,
            @DefaultValue("false") boolean unlimited) {
    }

    /**
     * A mailbox: bounded to {@code capacity} messages, or {@code unbounded}.
     *
     * @param capacity The most messages the mailbox holds.
     * @param unbounded Whether the mailbox has no bound (then capacity must be absent).
     */
    public record MailboxSettings(@Nullable Integer capacity, @DefaultValue("false") boolean unbounded) {
    }

    /**
     * A health check.
     *
     * @param interval How often the component is checked.
     * @param timeout How long a check or a message may take before it counts as a failure.
     * @param unhealthyAfter How many failed checks in a row make the component a crash.
     */
    public record HealthCheckSettings(@Nullable Duration interval, @Nullable Duration timeout, @Nullable Integer unhealthyAfter) {
    }
}
