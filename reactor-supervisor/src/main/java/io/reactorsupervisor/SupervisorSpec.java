package io.reactorsupervisor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The immutable description of a supervisor: its children in start order, its
 * {@link SupervisionStrategy}, its restart intensity across all children, what it does when
 * a child gives up, and, as a child of another supervisor, how it is restarted itself.
 *
 * <pre>{@code
 * Supervisor root = Supervisor.named("root")
 *     .strategy(SupervisionStrategy.ONE_FOR_ONE)
 *     .child(billing)
 *     .child(Supervisor.named("api").strategy(SupervisionStrategy.REST_FOR_ONE).child(parser).child(router))
 *     .start();
 * }</pre>
 */
public final class SupervisorSpec implements ChildSpec {

    private final String name;
    private final SupervisionStrategy strategy;
    private final List<ChildSpec> children;
    private final RestartLimit intensity;
    private final boolean escalate;
    private final int maxChildren;
    private final RestartStrategy restartStrategy;
    private final RestartLimit restartLimit;
    private final RestartPolicy restartPolicy;
    /** Set when this supervisor runs a set of keyed components: its children are the active keys. */
    final @Nullable EntitiesSpec<?, ?, ?> entities;

    private SupervisorSpec(Builder b) {
        this.name = b.name;
        this.strategy = b.strategy;
        this.children = List.copyOf(b.children);
        this.intensity = b.intensity;
        this.escalate = b.escalate;
        this.maxChildren = b.maxChildren;
        this.restartStrategy = b.restartStrategy;
        this.restartLimit = b.restartLimit;
        this.restartPolicy = b.restartPolicy;
        this.entities = b.entities;
    }

    /** The one-for-one supervisor a set of keyed components runs as. */
    static SupervisorSpec entities(EntitiesSpec<?, ?, ?> spec) {
        Builder b = new Builder(spec.name()).intensity(spec.intensity());
        b.entities = spec;
        return b.build();
    }

    /**
     * Starts the description of a supervisor; {@link Supervisor#named(String)} does the same.
     *
     * @param name the supervisor's name, unique among its siblings; non-blank, without '/'
     * @return a builder
     * @throws IllegalArgumentException if {@code name} is blank or contains '/'
     */
    public static Builder named(String name) {
        return new Builder(Checks.name(name, "name"));
    }

    @Override
    public String name() {
        return name;
    }

    /** @return which children restart when one crashes */
    public SupervisionStrategy strategy() {
        return strategy;
    }

    /**
     * The set of keyed components this supervisor runs, when it is one (added with
     * {@link Builder#entities(EntitiesSpec)}); such a supervisor has no declared children.
     *
     * @return the set's spec, or null for a supervisor of declared children
     */
    public @Nullable EntitiesSpec<?, ?, ?> entities() {
        return entities;
    }

    /** @return the children in start order */
    public List<ChildSpec> children() {
        return children;
    }

    /** @return restarts allowed across all children within a sliding window */
    public RestartLimit intensity() {
        return intensity;
    }

    /** @return whether a child giving up fails this supervisor (true) or leaves it degraded (false) */
    public boolean escalates() {
        return escalate;
    }

    /** @return the most children it may hold, {@link Integer#MAX_VALUE} when unbounded */
    public int maxChildren() {
        return maxChildren;
    }

    @Override
    public RestartStrategy restartStrategy() {
        return restartStrategy;
    }

    @Override
    public RestartLimit restartLimit() {
        return restartLimit;
    }

    @Override
    public RestartPolicy restartPolicy() {
        return restartPolicy;
    }

    /**
     * Starts a supervision tree with this supervisor at its root. It returns at once, whatever
     * the children do: they start one at a time in declared order, each on its own scheduler,
     * and {@link Supervisor#started()} says how that went (it fails with
     * {@link ChildStartException} if a declared child could not start).
     *
     * @return the running root supervisor
     */
    public Supervisor start() {
        return SupervisorCell.startRoot(this);
    }

    @Override
    public String toString() {
        return "SupervisorSpec[" + name + ", " + strategy + ", " + children.size() + " children]";
    }

    /** Builds a {@link SupervisorSpec}; each method checks its argument when it is given. */
    public static final class Builder {

        private final String name;
        private SupervisionStrategy strategy = SupervisionStrategy.ONE_FOR_ONE;
        private final List<ChildSpec> children = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private RestartLimit intensity = RestartLimit.DEFAULT;
        private boolean escalate;
        private int maxChildren = Integer.MAX_VALUE;
        private RestartStrategy restartStrategy = RestartStrategy.immediate();
        private RestartLimit restartLimit = RestartLimit.DEFAULT;
        private RestartPolicy restartPolicy = RestartPolicy.PERMANENT;
        private @Nullable EntitiesSpec<?, ?, ?> entities;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param strategy which children restart when one crashes; default
         *     {@link SupervisionStrategy#ONE_FOR_ONE}
         * @return this builder
         */
        public Builder strategy(SupervisionStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * Adds a child; children start in the order they are added and stop in reverse.
         *
         * @param child a component or supervisor spec
         * @return this builder
         * @throws IllegalArgumentException if a sibling already has the child's name, or the
         *     supervisor already holds {@code maxChildren} children
         */
        public Builder child(ChildSpec child) {
            Objects.requireNonNull(child, "child");
            if (!names.add(child.name())) {
                throw new IllegalArgumentException("child name must be unique within supervisor '" + name
                        + "', but '" + child.name() + "' was given twice");
            }
            if (children.size() >= maxChildren) {
                names.remove(child.name());
                throw new IllegalArgumentException("supervisor '" + name + "' holds at most " + maxChildren
                        + " children, but '" + child.name() + "' would be child " + (children.size() + 1));
            }
            children.add(child);
            return this;
        }

        /**
         * Adds a nested supervisor, built from its builder.
         *
         * @param child the nested supervisor's builder
         * @return this builder
         * @throws IllegalArgumentException as {@link #child(ChildSpec)}
         */
        public Builder child(Builder child) {
            return child(Objects.requireNonNull(child, "child").build());
        }

        /**
         * Adds a set of keyed components as a child (see {@link EntitiesSpec}); its components
         * start on their first message. Find it with {@link Supervisor#entities(EntitiesSpec)}.
         *
         * @param entities the set
         * @return this builder
         * @throws IllegalArgumentException as {@link #child(ChildSpec)}
         */
        public Builder entities(EntitiesSpec<?, ?, ?> entities) {
            return child(Objects.requireNonNull(entities, "entities").supervisor);
        }

        /**
         * @param intensity restarts allowed across all children within a sliding window
         *     (Erlang/OTP's intensity and period); default {@link RestartLimit#DEFAULT}
         * @return this builder
         */
        public Builder intensity(RestartLimit intensity) {
            this.intensity = Objects.requireNonNull(intensity, "intensity");
            return this;
        }

        /**
         * When a child gives up (its restart limit is reached) or the intensity is exceeded,
         * stop the remaining children and fail this supervisor, so that its parent applies
         * its own strategy to the whole subtree. Without this the supervisor carries on
         * without that child (degraded mode).
         *
         * @return this builder
         */
        public Builder escalateOnFailure() {
            this.escalate = true;
            return this;
        }

        /**
         * @param max the most children this supervisor may hold, including those started
         *     at runtime; at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code max} is below 1 or below the number of
         *     children already added
         */
        public Builder maxChildren(int max) {
            Checks.atLeast(max, Math.max(1, children.size()), "maxChildren");
            this.maxChildren = max;
            return this;
        }

        /**
         * @param strategy as a child of another supervisor: the wait before this subtree restarts
         * @return this builder
         */
        public Builder restart(RestartStrategy strategy) {
            this.restartStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * @param limit as a child of another supervisor: restarts of this subtree allowed
         *     within a window
         * @return this builder
         */
        public Builder limit(RestartLimit limit) {
            this.restartLimit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /**
         * @param policy as a child of another supervisor: when this subtree is restarted
         * @return this builder
         */
        public Builder policy(RestartPolicy policy) {
            this.restartPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** @return the immutable spec */
        public SupervisorSpec build() {
            return new SupervisorSpec(this);
        }

        /**
         * Builds the spec and starts a tree with it at the root; see {@link SupervisorSpec#start()}.
         *
         * @return the running root supervisor
         */
        public Supervisor start() {
            return build().start();
        }

        @Override
        public String toString() {
            return "SupervisorSpec.Builder[" + name + "]";
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }
}
