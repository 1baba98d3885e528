package io.reactorsupervisor;

import java.util.Optional;

import reactor.core.publisher.Mono;

/**
 * A running set of keyed components (see {@link EntitiesSpec}): one supervised component per key,
 * started by the first message for its key and passivated when idle or to make room.
 *
 * <pre>{@code
 * Entities<String, Order, Receipt> orders = root.entities(ordersSpec);
 * orders.ref("42").tell(order);                      // starts shop/orders/42 if it is not active
 * Mono<Receipt> receipt = orders.ref("42").ask(order);
 * }</pre>
 *
 * @param <K> the type of keys
 * @param <M> the type of messages
 * @param <R> the type of replies
 */
public interface Entities<K, M, R> {

    /** @return the set's name */
    String name();

    /** @return the set's path in its tree, for example {@code "shop/orders"} */
    String path();

    /**
     * The ref of a key's component, at once, whether or not it is active: a message sent through
     * it starts the component if it is not active, and waits while it is being passivated, to
     * be delivered to its next activation, in order. The ref stays valid across passivations.
     * Its {@link ComponentRef#state()} is the component's while it is active, and
     * {@link ComponentState#STARTING} when it is not: its next message starts it
     * ({@link ComponentState#STOPPED} once the set is stopping or stopped, when its messages are
     * refused). Its {@link ComponentRef#stats()} exists while the key is active only, as
     * {@link #snapshot(Object)} does. A ref of the
     * tree's ({@link Supervisor#ref(String)}, by path) addresses one activation only; use this one.
     *
     * @param key the key; its {@code toString()} names the component (the last segment of its path)
     * @return the ref
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the key is not of the set's key type, or its name is blank,
     *     longer than {@link EntitiesSpec#MAX_KEY_LENGTH} or contains '/' or a control character
     */
    ComponentRef<M, R> ref(K key);

    /**
     * Passivates a key's component now, as an idle timeout would: it finishes its message in
     * progress and its mailbox, and stops; a message sent meanwhile waits, and starts it again
     * afterwards. A component that is starting or restarting is not passivated (its waiting
     * messages would have nobody to drain them): ask again once it runs.
     *
     * @param key the key
     * @return a Mono of true once the component has stopped, or of false at once if the key has
     *     no running component (not active, starting, restarting, or being passivated already)
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException as {@link #ref(Object)}
     */
    Mono<Boolean> passivate(K key);

    /**
     * The set counted in aggregate (how many keys are active, passivating, restarting,
     * waiting), as small for a million keys as for one.
     *
     * @return the set now
     */
    EntitiesSnapshot snapshot();

    /**
     * One key's component now, if it is active.
     *
     * @param key the key
     * @return its snapshot, or empty if the key has no component now
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException as {@link #ref(Object)}
     */
    Optional<ComponentSnapshot> snapshot(K key);
}
