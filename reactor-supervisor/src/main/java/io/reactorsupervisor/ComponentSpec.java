package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The immutable description of a component: a message processor with private state that a
 * {@link Supervisor} runs and restarts.
 *
 * <pre>{@code
 * ComponentSpec<Order, Receipt> billing = ComponentSpec.<Order, Receipt, Ledger>named("billing")
 *     .state(Ledger::new)                               // fresh state for every incarnation
 *     .handler((ledger, order) -> ledger.charge(order)) // returns Mono<Receipt>
 *     .restart(RestartStrategy.exponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0))
 *     .limit(RestartLimit.of(5, Duration.ofSeconds(60)))
 *     .policy(RestartPolicy.PERMANENT)
 *     .mailbox(Mailbox.bounded(10_000))
 *     .build();
 * }</pre>
 *
 * <p>A component handles one message at a time, in mailbox order; its handler never runs
 * concurrently with itself. Its state is created by the state factory at the start of every
 * incarnation and is never shared. A handler that throws, returns an error or passes its
 * {@link Builder#processingTimeout(Duration) processing timeout} crashes the incarnation:
 * the message it was handling is redelivered to the next incarnation up to
 * {@link Builder#redeliveries(int) redeliveries} times, and otherwise published as a dead
 * letter with its cause. {@link Builder#onFailure(Class, Directive)} chooses another
 * {@link Directive} per type of failure: a handler can reject one bad message and keep its
 * state ({@link Directive#RESUME}), stop, or give up at once.
 *
 * @param <M> the type of messages
 * @param <R> the type of replies
 */
public final class ComponentSpec<M, R> implements ChildSpec {

    /** The longest message description the library logs, in characters (see {@link Builder#describeMessages}). */
    public static final int MAX_DESCRIPTION = 200;

    private final String name;
    private final Supplier<?> stateFactory;
    private final @Nullable BiFunction<Object, Object, Mono<?>> asyncHandler;
    private final @Nullable BiFunction<Object, Object, ?> syncHandler;
    private final RestartStrategy restartStrategy;
    private final RestartLimit restartLimit;
    private final RestartPolicy restartPolicy;
    private final Mailbox mailbox;
    private final int redeliveries;
    private final @Nullable HealthCheck healthCheck;
    private final @Nullable Function<Object, Mono<Boolean>> healthProbe;
    private final @Nullable Duration processingTimeout;
    private final Directive processingTimeoutDirective;
    private final List<FailureRule> failureRules;
    private final double readinessThreshold;
    private final @Nullable Function<Object, String> messageDescriber;
    private final @Nullable Scheduler scheduler;
    private final boolean blocking;
    private final @Nullable Persistence<?> persistence;

    @SuppressWarnings("unchecked")
    private ComponentSpec(Builder<M, R, ?> b) {
        this.name = b.name;
        this.stateFactory = Objects.requireNonNull(b.stateFactory);
        this.asyncHandler = (BiFunction<Object, Object, Mono<?>>) (BiFunction<?, ?, ?>) b.asyncHandler;
        this.syncHandler = (BiFunction<Object, Object, ?>) b.syncHandler;
        this.restartStrategy = b.restartStrategy;
        this.restartLimit = b.restartLimit;
        this.restartPolicy = b.restartPolicy;
        this.mailbox = b.mailbox;
        this.redeliveries = b.redeliveries;
        this.healthCheck = b.healthCheck;
        this.healthProbe = (Function<Object, Mono<Boolean>>) (Function<?, ?>) b.healthProbe;
        this.processingTimeout = b.processingTimeout;
        this.processingTimeoutDirective = b.processingTimeoutDirective;
        this.failureRules = b.failureRules.isEmpty() ? List.of() : List.copyOf(b.failureRules); // no array copied for none
        this.readinessThreshold = b.readinessThreshold;
        this.messageDescriber = (Function<Object, String>) (Function<?, ?>) b.messageDescriber;
        this.scheduler = b.scheduler;
        this.blocking = b.blocking;
        this.persistence = b.persistence;
    }

    /**
     * Starts the description of a component.
     *
     * @param name the component's name, unique among its siblings; non-blank, without '/'
     * @param <M> the type of messages
     * @param <R> the type of replies
     * @param <S> the type of the component's private state
     * @return a builder
     * @throws IllegalArgumentException if {@code name} is blank or contains '/'
     */
    public static <M, R, S> Builder<M, R, S> named(String name) {
        return new Builder<>(Checks.name(name, "name"));
    }

    @Override
    public String name() {
        return name;
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

    /** @return the mailbox spec */
    public Mailbox mailbox() {
        return mailbox;
    }

    /** @return how many times a message that crashed the component is delivered again */
    public int redeliveries() {
        return redeliveries;
    }

    /** @return the liveness probe, or null when none */
    public @Nullable HealthCheck healthCheck() {
        return healthCheck;
    }

    /** @return how long a handler may take for one message before it counts as a crash, or null */
    public @Nullable Duration processingTimeout() {
        return processingTimeout;
    }

    /** @return what a message that passes the processing timeout does; {@link Directive#RESTART} by default */
    public Directive processingTimeoutDirective() {
        return processingTimeoutDirective;
    }

    /**
     * The directive for a failure of the handler: that of the first
     * {@link Builder#onFailure(Class, Directive)} rule whose type matches it, in declaration
     * order; {@link Directive#RESTART} when none does.
     *
     * @param failure what the handler threw, or its {@code Mono}'s error
     * @return the directive applied to it
     */
    public Directive directiveFor(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        for (FailureRule rule : failureRules) {
            if (rule.type().isInstance(failure)) {
                return rule.directive();
            }
        }
        return Directive.RESTART;
    }

    /**
     * @return the share of the mailbox's capacity above which the component is not ready
     *     ({@link ComponentSnapshot#ready()}); {@value Builder#DEFAULT_READINESS_THRESHOLD} by default
     */
    public double readinessThreshold() {
        return readinessThreshold;
    }

    /** Whether a mailbox holding {@code depth} messages is above the readiness threshold. */
    boolean overReadinessThreshold(int depth) {
        return depth > mailbox.capacity() * readinessThreshold;
    }

    /**
     * How the library's log shows a message of this component (a crash, a rejection, a dead
     * letter): its type by default, never its content; the spec's
     * {@link Builder#describeMessages(Function)} when given, cut to
     * {@value #MAX_DESCRIPTION} characters. A describer that throws falls back to the type.
     */
    String describe(@Nullable Object message) {
        if (message == null) {
            return "no message";
        }
        String type = "a message of type " + message.getClass().getName();
        Function<Object, String> describer = messageDescriber;
        if (describer == null) {
            return type;
        }
        String described;
        try {
            described = String.valueOf(describer.apply(message));
        } catch (Throwable t) {
            return type + " (describeMessages threw " + t.getClass().getName() + ")";
        }
        return described.length() <= MAX_DESCRIPTION ? described
                : described.substring(0, MAX_DESCRIPTION) + "... (" + (described.length() - MAX_DESCRIPTION)
                        + " more characters)";
    }

    /** @return how the component's state survives its restarts, or null when it starts fresh every time */
    public @Nullable Persistence<?> persistence() {
        return persistence;
    }

    Object newState() {
        return stateFactory.get();
    }

    @Nullable BiFunction<Object, Object, Mono<?>> asyncHandler() {
        return asyncHandler;
    }

    @Nullable BiFunction<Object, Object, ?> syncHandler() {
        return syncHandler;
    }

    @Nullable Function<Object, Mono<Boolean>> healthProbe() {
        return healthProbe;
    }

    boolean blocking() {
        return blocking;
    }

    /** The scheduler that runs the handler, looked up when an incarnation starts. */
    Scheduler scheduler() {
        if (scheduler != null) {
            return scheduler;
        }
        return blocking ? Schedulers.boundedElastic() : Schedulers.parallel();
    }

    /**
     * A builder holding everything of this spec (state factory, handler, restart strategy,
     * limit, policy, mailbox, health check, processing timeout, failure rules, describer,
     * scheduler, persistence), so that a copy with a few values changed can be built, as configuration
     * does (the Spring Boot starter's per-component overrides). This spec is not changed.
     *
     * @return a new builder; its state type is erased to {@code Object}
     */
    @SuppressWarnings("unchecked")
    public Builder<M, R, Object> toBuilder() {
        Builder<M, R, Object> b = new Builder<>(name);
        b.stateFactory = stateFactory;
        b.asyncHandler = (BiFunction<Object, ? super M, ? extends Mono<? extends R>>) (BiFunction<?, ?, ?>) asyncHandler;
        b.syncHandler = (BiFunction<Object, ? super M, ? extends R>) (BiFunction<?, ?, ?>) syncHandler;
        b.restartStrategy = restartStrategy;
        b.restartLimit = restartLimit;
        b.restartPolicy = restartPolicy;
        b.mailbox = mailbox;
        b.redeliveries = redeliveries;
        b.healthCheck = healthCheck;
        b.healthProbe = healthProbe;
        b.processingTimeout = processingTimeout;
        b.processingTimeoutDirective = processingTimeoutDirective;
        b.failureRules.addAll(failureRules);
        b.readinessThreshold = readinessThreshold;
        b.messageDescriber = (Function<? super M, String>) (Function<?, ?>) messageDescriber;
        b.scheduler = scheduler;
        b.blocking = blocking;
        b.persistence = persistence;
        return b;
    }

    @Override
    public String toString() {
        return "ComponentSpec[" + name + ", " + restartStrategy + ", " + restartLimit + ", " + restartPolicy + ", "
                + mailbox + "]";
    }

    /**
     * Builds a {@link ComponentSpec}. Each method checks its argument when it is given;
     * {@link #build()} checks that a state factory and exactly one handler were given.
     *
     * @param <M> the type of messages
     * @param <R> the type of replies
     * @param <S> the type of the component's private state
     */
    public static final class Builder<M, R, S> {

        /** The default share of the mailbox's capacity above which a component is not ready. */
        public static final double DEFAULT_READINESS_THRESHOLD = 0.8;

        private final String name;
        private @Nullable Supplier<? extends S> stateFactory;
        private @Nullable BiFunction<? super S, ? super M, ? extends Mono<? extends R>> asyncHandler;
        private @Nullable BiFunction<? super S, ? super M, ? extends @Nullable R> syncHandler;
        private RestartStrategy restartStrategy = RestartStrategy.immediate();
        private RestartLimit restartLimit = RestartLimit.DEFAULT;
        private RestartPolicy restartPolicy = RestartPolicy.PERMANENT;
        private Mailbox mailbox = Mailbox.DEFAULT;
        private int redeliveries;
        private @Nullable HealthCheck healthCheck;
        private @Nullable Function<? super S, ? extends Mono<Boolean>> healthProbe;
        private @Nullable Duration processingTimeout;
        private Directive processingTimeoutDirective = Directive.RESTART;
        private final List<FailureRule> failureRules = new ArrayList<>();
        private double readinessThreshold = DEFAULT_READINESS_THRESHOLD;
        private @Nullable Function<? super M, String> messageDescriber;
        private @Nullable Scheduler scheduler;
        private boolean blocking;
        private @Nullable Persistence<?> persistence;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * The factory of the component's private state, called at the start of every
         * incarnation. Required. A state that is {@link AutoCloseable} is closed when its
         * incarnation ends, whatever the reason.
         *
         * @param stateFactory creates a fresh state; an exception it throws crashes the incarnation
         * @return this builder
         */
        public Builder<M, R, S> state(Supplier<? extends S> stateFactory) {
            this.stateFactory = Objects.requireNonNull(stateFactory, "stateFactory");
            return this;
        }

        /**
         * The handler, returning a {@code Mono} of the reply (empty for no reply). The next
         * message is taken once the Mono has terminated. One of {@code handler} and
         * {@link #syncHandler} is required.
         *
         * @param handler handles one message with the incarnation's state
         * @return this builder
         */
        public Builder<M, R, S> handler(BiFunction<? super S, ? super M, ? extends Mono<? extends R>> handler) {
            this.asyncHandler = Objects.requireNonNull(handler, "handler");
            this.syncHandler = null;
            return this;
        }

        /**
         * A synchronous handler, returning the reply (null for no reply). One of
         * {@link #handler} and {@code syncHandler} is required.
         *
         * @param handler handles one message with the incarnation's state
         * @return this builder
         */
        public Builder<M, R, S> syncHandler(BiFunction<? super S, ? super M, ? extends @Nullable R> handler) {
            this.syncHandler = Objects.requireNonNull(handler, "handler");
            this.asyncHandler = null;
            return this;
        }

        /**
         * @param strategy the wait before each restart; default {@link RestartStrategy#immediate()}
         * @return this builder
         */
        public Builder<M, R, S> restart(RestartStrategy strategy) {
            this.restartStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * @param limit restarts allowed within a sliding window; default {@link RestartLimit#DEFAULT}
         * @return this builder
         */
        public Builder<M, R, S> limit(RestartLimit limit) {
            this.restartLimit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /**
         * @param policy when to restart; default {@link RestartPolicy#PERMANENT}
         * @return this builder
         */
        public Builder<M, R, S> policy(RestartPolicy policy) {
            this.restartPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param mailbox the mailbox spec; default {@link Mailbox#DEFAULT}
         * @return this builder
         */
        public Builder<M, R, S> mailbox(Mailbox mailbox) {
            this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
            return this;
        }

        /**
         * How many times a message that crashed the component is delivered again, to the
         * next incarnations, before it becomes a dead letter. Default 0: the message that
         * crashed is dead-lettered at once, with its cause.
         *
         * @param times 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code times} is negative
         */
        public Builder<M, R, S> redeliveries(int times) {
            this.redeliveries = Checks.atLeast(times, 0, "redeliveries");
            return this;
        }

        /**
         * @param healthCheck the liveness check, measured from the component's progress; default none
         * @return this builder
         */
        public Builder<M, R, S> healthCheck(HealthCheck healthCheck) {
            this.healthCheck = Objects.requireNonNull(healthCheck, "healthCheck");
            return this;
        }

        /**
         * A probe of the incarnation's state, run at each health check between two messages,
         * ahead of the messages that wait: true is healthy; false, an error or no answer
         * within the health check's timeout (the message in progress plus the probe) is a
         * failure. Requires a {@link #healthCheck(HealthCheck)}.
         *
         * @param probe asks the state whether it is healthy
         * @return this builder
         */
        public Builder<M, R, S> healthProbe(Function<? super S, ? extends Mono<Boolean>> probe) {
            this.healthProbe = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /**
         * A handler that takes longer than this for one message crashes the incarnation
         * with a {@link java.util.concurrent.TimeoutException} ({@link Directive#RESTART}).
         *
         * @param timeout positive, at most 36500 days
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive or above 36500 days
         */
        public Builder<M, R, S> processingTimeout(Duration timeout) {
            return processingTimeout(timeout, Directive.RESTART);
        }

        /**
         * A handler that takes longer than {@code timeout} for one message is stopped (its
         * {@code Mono} cancelled, its thread interrupted) and the message fails with a
         * {@link java.util.concurrent.TimeoutException}, handled by {@code directive}.
         * {@link Directive#RESUME} (reject the message, keep the state) needs an asynchronous
         * {@link #handler(BiFunction) handler}: a synchronous handler past its timeout may still
         * be running on the state, so it is restarted instead; {@link #build()} refuses that
         * combination.
         *
         * @param timeout positive, at most 36500 days
         * @param directive what the message that passes it does
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive or above 36500 days
         */
        public Builder<M, R, S> processingTimeout(Duration timeout, Directive directive) {
            this.processingTimeout = Checks.positive(timeout, "processingTimeout");
            this.processingTimeoutDirective = Objects.requireNonNull(directive, "directive");
            return this;
        }

        /**
         * What a failure of this type does, instead of the default {@link Directive#RESTART}
         * (as Pekko's {@code onFailure[T]}). Rules are matched in declaration order and the
         * first whose type the failure is an instance of applies, so declare the most
         * specific type first: a rule that an earlier one would always shadow is refused.
         *
         * <pre>{@code
         * .onFailure(InvalidOrderException.class, Directive.RESUME) // reject the order, keep the state
         * .onFailure(IllegalStateException.class, Directive.STOP)
         * }</pre>
         *
         * @param type the type of failure, subclasses included
         * @param directive what such a failure does
         * @return this builder
         * @throws IllegalArgumentException if an earlier rule's type is {@code type} or a
         *     supertype of it (this rule could never apply)
         */
        public Builder<M, R, S> onFailure(Class<? extends Throwable> type, Directive directive) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(directive, "directive");
            for (FailureRule earlier : failureRules) {
                if (earlier.type().isAssignableFrom(type)) {
                    throw new IllegalArgumentException("onFailure(" + type.getName() + ") would never apply: "
                            + (earlier.type() == type ? "it is declared twice"
                                    : "the earlier onFailure(" + earlier.type().getName() + ") matches it first")
                            + "; declare the most specific type first");
                }
            }
            failureRules.add(new FailureRule(type, directive));
            return this;
        }

        /**
         * How the library's log shows this component's messages when it logs a crash, a
         * rejection or a dead letter. By default it shows only the message's type, never its
         * content: a message may hold personal or payment data that a log must not keep. A
         * description longer than {@value ComponentSpec#MAX_DESCRIPTION} characters is cut;
         * one that throws falls back to the type. Events ({@link Supervisor#events()}) still
         * carry the message itself, for the application to show or not.
         *
         * <pre>{@code
         * .describeMessages(order -> "order " + order.id())   // the id, not the card number
         * }</pre>
         *
         * @param describer the description of a message for the log
         * @return this builder
         */
        public Builder<M, R, S> describeMessages(Function<? super M, String> describer) {
            this.messageDescriber = Objects.requireNonNull(describer, "describer");
            return this;
        }

        /**
         * The share of the mailbox's capacity above which the component reports itself not
         * ready ({@link ComponentSnapshot#ready()}, {@link Supervisor#readiness()}): a backlog
         * that size tells a load balancer to send its traffic elsewhere. Meaningful for a
         * bounded mailbox only.
         *
         * @param share of the capacity, above 0 and at most 1; default {@value #DEFAULT_READINESS_THRESHOLD}
         * @return this builder
         * @throws IllegalArgumentException if {@code share} is not above 0 and at most 1
         */
        public Builder<M, R, S> readinessThreshold(double share) {
            if (!(share > 0.0 && share <= 1.0)) {
                throw new IllegalArgumentException("readinessThreshold must be above 0 and at most 1, but was "
                        + share);
            }
            this.readinessThreshold = share;
            return this;
        }

        /**
         * Runs the handler on this scheduler instead of {@link Schedulers#parallel()}.
         *
         * <p>As a {@code publishOn} does, a component takes one {@link Scheduler.Worker} of its
         * scheduler when it is first told something, and runs every message on it until it
         * ends, restarts included (messages that arrive while its state is being created are
         * handled right after, by the task that created it): on {@code parallel()} its
         * messages stay on one thread, which
         * it shares with the other components given that thread. A handler that blocks holds
         * them up until its health check or processing timeout interrupts it; mark such
         * handlers {@link #blocking()}.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder<M, R, S> scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Marks the handler as blocking: it runs on {@link Schedulers#boundedElastic()}, made
         * for blocking work, so that a handler blocked on I/O does not hold a thread that other
         * components need.
         *
         * @return this builder
         */
        public Builder<M, R, S> blocking() {
            this.blocking = true;
            return this;
        }

        /**
         * Makes the state survive restarts: each incarnation starts from the last checkpoint
         * in the persistence's store instead of the state factory's fresh state, which is used
         * only when there is none (see {@link Persistence} for when checkpoints are taken and
         * what failures do).
         *
         * @param persistence the store, codec and checkpoint rule
         * @return this builder
         */
        public Builder<M, R, S> persistent(Persistence<S> persistence) {
            this.persistence = Objects.requireNonNull(persistence, "persistence");
            return this;
        }

        /**
         * As {@link #persistent(Persistence)} with {@code Persistence.of(store, codec).checkpoint(rule)}.
         *
         * @param store where checkpoints are kept
         * @param codec the state to bytes and back
         * @param rule when to take a checkpoint
         * @return this builder
         */
        public Builder<M, R, S> persistent(StateStore store, StateCodec<S> codec, CheckpointRule rule) {
            return persistent(Persistence.of(store, codec).checkpoint(rule));
        }

        /**
         * @return the immutable spec
         * @throws IllegalStateException if no state factory or no handler was given, a
         *     health probe was given without a health check, both {@link #blocking()} and
         *     {@link #scheduler(Scheduler)} were given, or a synchronous handler was given a
         *     processing timeout with {@link Directive#RESUME}
         */
        public ComponentSpec<M, R> build() {
            if (stateFactory == null) {
                throw new IllegalStateException("component '" + name + "': state is required, "
                        + "call state(Supplier) (the factory of a fresh state for every incarnation)");
            }
            if (asyncHandler == null && syncHandler == null) {
                throw new IllegalStateException("component '" + name + "': a handler is required, "
                        + "call handler(BiFunction) or syncHandler(BiFunction)");
            }
            if (blocking && scheduler != null) {
                throw new IllegalStateException("component '" + name + "': blocking() and scheduler(Scheduler) "
                        + "conflict, choose one");
            }
            if (healthProbe != null && healthCheck == null) {
                throw new IllegalStateException("component '" + name + "': healthProbe needs a healthCheck "
                        + "(the interval, timeout and threshold of the probe)");
            }
            if (processingTimeoutDirective == Directive.RESUME && syncHandler != null) {
                throw new IllegalStateException("component '" + name + "': processingTimeout with Directive.RESUME "
                        + "needs an asynchronous handler(BiFunction): a synchronous handler past its timeout may "
                        + "still be running on the state it would keep");
            }
            return new ComponentSpec<>(this);
        }
    }

    /** One {@link Builder#onFailure(Class, Directive)} rule. */
    private record FailureRule(Class<? extends Throwable> type, Directive directive) {
    }
}
