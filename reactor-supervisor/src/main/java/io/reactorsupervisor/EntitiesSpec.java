package io.reactorsupervisor;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The immutable description of a set of keyed components, Erlang/OTP's
 * {@code simple_one_for_one} supervisor (Elixir's {@code DynamicSupervisor}) with the
 * passivation of virtual actors: one supervised component per key (an order, a user, a session),
 * all built from one component spec, the <em>template</em>, started when the first message for
 * its key arrives and passivated (stopped gracefully, its memory released) when idle or when the
 * most active components are reached.
 *
 * <pre>{@code
 * EntitiesSpec<String, Order, Receipt> orders = EntitiesSpec.named("orders", String.class, orderSpec)
 *     .idleTimeout(Duration.ofMinutes(5))   // passivated after 5 min without a message
 *     .maxActive(10_000)                     // the least recently used is passivated to make room
 *     .build();
 * Supervisor root = Supervisor.named("shop").entities(orders).start();
 * root.entities(orders).ref("42").tell(order); // starts root/orders/42 if it is not active
 * }</pre>
 *
 * <p>Each keyed component is a child of the set like any component of a supervisor: its path is
 * the set's path and the key ({@code shop/orders/42}); it is restarted by the template's restart
 * strategy, limit and policy, its events carry that path, its dead letters too. The set itself is
 * a one-for-one supervisor whose restart {@link #intensity()} counts the restarts of all its keys.
 *
 * @param <K> the type of keys; a key is named by its {@code toString()}, and two keys with the
 *     same {@code toString()} are the same component
 * @param <M> the type of messages
 * @param <R> the type of replies
 */
public final class EntitiesSpec<K, M, R> {

    /** The longest key name, in characters (the key's {@code toString()}). */
    public static final int MAX_KEY_LENGTH = 256;
    /** The default of {@link Builder#passivationTimeout(Duration)}: 30 s. */
    public static final Duration DEFAULT_PASSIVATION_TIMEOUT = Duration.ofSeconds(30);
    /** The value of {@link #maxActive()} when no maximum was given. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    private final String name;
    private final Class<K> keyType;
    private final ComponentSpec<M, R> template;
    private final @Nullable Duration idleTimeout;
    private final int maxActive;
    private final Duration passivationTimeout;
    private final int maxWaiting;
    private final RestartLimit intensity;
    /** The supervisor the set runs as, built once: the tree finds the set by it. */
    final SupervisorSpec supervisor;

    private EntitiesSpec(Builder<K, M, R> b) {
        this.name = b.name;
        this.keyType = b.keyType;
        this.template = b.template;
        this.idleTimeout = b.idleTimeout;
        this.maxActive = b.maxActive;
        this.passivationTimeout = b.passivationTimeout;
        this.maxWaiting = b.maxWaiting;
        this.intensity = b.intensity;
        this.supervisor = SupervisorSpec.entities(this);
    }

    /**
     * Starts the description of a set of keyed components.
     *
     * @param name the set's name, unique among its siblings; non-blank, without '/'
     * @param keyType the class of keys: {@link Entities#ref(Object)} refuses a key of another class
     * @param template the spec every keyed component is built from; shared, not copied per key
     *     (its name is not used: a keyed component is named by its key)
     * @param <K> the type of keys
     * @param <M> the type of messages
     * @param <R> the type of replies
     * @return a builder
     * @throws IllegalArgumentException if {@code name} is blank or contains '/'
     * @throws NullPointerException if an argument is null
     */
    public static <K, M, R> Builder<K, M, R> named(String name, Class<K> keyType, ComponentSpec<M, R> template) {
        return new Builder<>(Checks.name(name, "name"), Objects.requireNonNull(keyType, "keyType"),
                Objects.requireNonNull(template, "template"));
    }

    /** @return the set's name */
    public String name() {
        return name;
    }

    /** @return the class of keys */
    public Class<K> keyType() {
        return keyType;
    }

    /** @return the spec every keyed component is built from */
    public ComponentSpec<M, R> template() {
        return template;
    }

    /** @return how long a component may go without a message before it is passivated; null: never */
    public @Nullable Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return the most components alive at once (active or passivating); {@link #UNBOUNDED} when unbounded */
    public int maxActive() {
        return maxActive;
    }

    /** @return how long a passivated component may take to finish its mailbox */
    public Duration passivationTimeout() {
        return passivationTimeout;
    }

    /** @return the most new keys that may wait for their component to start; {@link #UNBOUNDED} when unbounded */
    public int maxWaiting() {
        return maxWaiting;
    }

    /** @return restarts allowed across all keyed components within a sliding window */
    public RestartLimit intensity() {
        return intensity;
    }

    @Override
    public String toString() {
        return "EntitiesSpec[" + name + ", template " + template.name() + ", idleTimeout "
                + (idleTimeout == null ? "none" : Durations.human(idleTimeout)) + ", maxActive "
                + (maxActive == UNBOUNDED ? "unbounded" : maxActive) + "]";
    }

    /**
     * The name of {@code key} as a path segment, checked.
     *
     * @throws NullPointerException if {@code key} or its {@code toString()} is null
     * @throws IllegalArgumentException if the key is not of the key type, or its name is blank, longer than
     *     {@link #MAX_KEY_LENGTH}, or contains '/' or a control character
     */
    String keyName(Object key) {
        Objects.requireNonNull(key, "key");
        if (!keyType.isInstance(key)) {
            throw new IllegalArgumentException("key must be a " + keyType.getName() + " for entities '" + name
                    + "', but was a " + key.getClass().getName());
        }
        String k = Objects.requireNonNull(key.toString(), "key.toString()");
        if (k.isBlank() || k.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key must be non-blank and at most " + MAX_KEY_LENGTH
                    + " characters, but was '" + cut(k) + "' (" + k.length() + " characters)");
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c == '/' || Character.isISOControl(c)) {
                throw new IllegalArgumentException("key must not contain '/' or control characters (it names a "
                        + "path segment), but was '" + cut(k.replaceAll("\\p{Cntrl}", "?")) + "'");
            }
        }
        return k;
    }

    /** A key as an error message shows it: at most 40 characters. */
    private static String cut(String k) {
        return k.length() <= 40 ? k : k.substring(0, 40) + "...";
    }

    /** Builds an {@link EntitiesSpec}; each method checks its argument when it is given. */
    public static final class Builder<K, M, R> {

        private final String name;
        private final Class<K> keyType;
        private final ComponentSpec<M, R> template;
        private @Nullable Duration idleTimeout;
        private int maxActive = UNBOUNDED;
        private Duration passivationTimeout = DEFAULT_PASSIVATION_TIMEOUT;
        private int maxWaiting = UNBOUNDED;
        private RestartLimit intensity = RestartLimit.DEFAULT;

        private Builder(String name, Class<K> keyType, ComponentSpec<M, R> template) {
            this.name = name;
            this.keyType = keyType;
            this.template = template;
        }

        /**
         * Passivates a component that has had no message for {@code timeout}: it is passivated
         * between {@code timeout} and {@code 1.25 * timeout} after its last message, once it has
         * nothing in progress and nothing waiting. Default: never.
         *
         * @param timeout at least 1 ms, at most 36500 days
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is out of that range
         */
        public Builder<K, M, R> idleTimeout(Duration timeout) {
            this.idleTimeout = Checks.atLeast(timeout, Duration.ofMillis(1), "idleTimeout");
            return this;
        }

        /**
         * The most components alive at once, counting those being passivated: when a message
         * comes for a key that is not active and the set is full, the least recently used idle
         * component is passivated (approximately: second chance, in constant time) and the new
         * one starts once it has stopped; its messages wait meanwhile. Default: unbounded.
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code max} is below 1
         */
        public Builder<K, M, R> maxActive(int max) {
            this.maxActive = Checks.atLeast(max, 1, "maxActive");
            return this;
        }

        /**
         * How long a passivated component may take to finish its message in progress and its
         * mailbox; past it, what is left becomes dead letters ({@link DeadLetterReason#COMPONENT_STOPPED}).
         *
         * @param timeout positive, at most 36500 days; default {@link #DEFAULT_PASSIVATION_TIMEOUT}
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive or above 36500 days
         */
        public Builder<K, M, R> passivationTimeout(Duration timeout) {
            this.passivationTimeout = Checks.positive(timeout, "passivationTimeout");
            return this;
        }

        /**
         * Bounds the new keys whose first message waits for their component to start (for a
         * place, when the set is full): past it, a message for a key that has no component and
         * nothing waiting is refused as a full mailbox is ({@link DeadLetterReason#MAILBOX_FULL},
         * {@code tell} false, the {@code ask} failed with {@link MailboxFullException}), so that a
         * burst of new keys cannot hold an unbounded number of messages. Keys already waiting, and
         * messages for active keys, are not affected. Default: unbounded.
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code max} is below 1
         */
        public Builder<K, M, R> maxWaiting(int max) {
            this.maxWaiting = Checks.atLeast(max, 1, "maxWaiting");
            return this;
        }

        /**
         * @param intensity restarts allowed across all keyed components within a sliding window
         *     (the set's OTP intensity); a restart past it makes that component give up; default
         *     {@link RestartLimit#DEFAULT}
         * @return this builder
         */
        public Builder<K, M, R> intensity(RestartLimit intensity) {
            this.intensity = Objects.requireNonNull(intensity, "intensity");
            return this;
        }

        /** @return the immutable spec */
        public EntitiesSpec<K, M, R> build() {
            return new EntitiesSpec<>(this);
        }

        @Override
        public String toString() {
            return "EntitiesSpec.Builder[" + name + "]";
        }
    }
}
