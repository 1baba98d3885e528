package io.reactorsupervisor;

import java.time.Duration;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A running supervisor: the root of a supervision tree, or a supervisor nested in one.
 *
 * <pre>{@code
 * Supervisor root = Supervisor.named("root").child(billing).start();
 * ComponentRef<Order, Receipt> ref = root.ref(billing);
 * ref.tell(order);                                  // fire and forget
 * Mono<Receipt> receipt = ref.ask(order);           // request/reply
 * root.events().subscribe(System.out::println);     // Flux<SupervisionEvent>
 * root.shutdown(Duration.ofSeconds(5)).block();
 * }</pre>
 */
public interface Supervisor {

    /**
     * The SLF4J MDC key under which a component's path is set while its handler, state factory
     * and {@code close()} run, and while the library logs about it: {@value}.
     */
    String MDC_COMPONENT = "component";


    /**
     * Starts the description of a supervisor.
     *
     * @param name the supervisor's name; non-blank, without '/'
     * @return a builder whose {@code start()} runs the tree
     * @throws IllegalArgumentException if {@code name} is blank or contains '/'
     */
    static SupervisorSpec.Builder named(String name) {
        return SupervisorSpec.named(name);
    }

    /** @return the supervisor's name */
    String name();

    /** @return the supervisor's path in its tree, for example {@code "root/api"} */
    String path();

    /**
     * The ref of the component started from {@code spec}: a direct child first, otherwise the
     * first match in the subtree, depth first in start order.
     *
     * @param spec the spec the component was started from (compared by identity)
     * @param <M> the type of messages
     * @param <R> the type of replies
     * @return its ref
     * @throws IllegalArgumentException if no component in this subtree was started from it
     */
    <M, R> ComponentRef<M, R> ref(ComponentSpec<M, R> spec);

    /**
     * The ref of a component by its path relative to this supervisor ({@code "api/billing"}).
     * The types are not checked: a message of the wrong type crashes the component when its
     * handler casts it, like any other handler failure.
     *
     * @param relativePath names separated by '/'
     * @param <M> the type of messages
     * @param <R> the type of replies
     * @return its ref
     * @throws IllegalArgumentException if no component has that path
     */
    <M, R> ComponentRef<M, R> ref(String relativePath);

    /**
     * The running set of keyed components started from {@code spec}: a direct child first,
     * otherwise the first match in the subtree, depth first in start order.
     *
     * @param spec the spec the set was started from (compared by identity)
     * @param <K> the type of keys
     * @param <M> the type of messages
     * @param <R> the type of replies
     * @return the set
     * @throws IllegalArgumentException if no set in this subtree was started from it
     * @throws NullPointerException if {@code spec} is null
     */
    <K, M, R> Entities<K, M, R> entities(EntitiesSpec<K, M, R> spec);

    /**
     * A nested supervisor by its path relative to this one.
     *
     * @param relativePath names separated by '/'
     * @return the nested supervisor
     * @throws IllegalArgumentException if no supervisor has that path
     */
    Supervisor supervisor(String relativePath);

    /**
     * The events of the whole tree. A subscriber first receives the most recent events
     * (up to 256, so that one subscribing right after {@code start()} sees the children
     * start), then every event as it happens, with no gap or duplicate between the two. Up to
     * 1024 events wait for a subscriber that has not requested them; beyond that it loses the
     * oldest rather than slowing the tree down. Events are delivered in order, on the tree's
     * event hub (a worker of {@code Schedulers.boundedElastic()}), outside every lock and never
     * on the thread that published them: a subscriber may call anything of the tree, and one
     * that throws anything, an {@link Error} included, is dropped and logged while the others
     * go on. Completes when the tree has terminated, after every dead letter.
     *
     * @return the event stream
     */
    Flux<SupervisionEvent> events();

    /**
     * The dead letters of the whole tree: {@link #events()} filtered to
     * {@link SupervisionEvent.DeadLetter}.
     *
     * @return the dead-letter stream
     */
    Flux<SupervisionEvent.DeadLetter> deadLetters();

    /**
     * The start of this supervisor's declared children, OTP's {@code start_link} result:
     * children start one at a time in declared order, each once the one before has started.
     * {@code start()} returns at once, whatever the children do; this Mono says how their
     * start went.
     *
     * @return a Mono that completes once every declared child has started its first
     *     incarnation, or fails with {@link ChildStartException} carrying the cause if one
     *     could not start, after the children started before it were stopped (the
     *     supervisor then fails, and a root's {@link #termination()} fails with it)
     */
    Mono<Void> started();

    /** @return this supervisor's subtree as it is now */
    SupervisorSnapshot snapshot();

    /**
     * Whether this subtree takes traffic well now (see {@link Readiness}): the readiness of a
     * {@link #snapshot()}, for a readiness probe. The active keyed components of a set count as
     * any component; the supervisor of a set itself ({@code supervisor("shop/carts")}) answers for
     * them as its parent does.
     *
     * @return ready, or the reason of each child that is not
     */
    default Readiness readiness() {
        return snapshot().readiness();
    }

    /**
     * Attaches an observer to the whole tree this supervisor belongs to: from now on it sees
     * every ask sent to a component of the tree and every message handled (see
     * {@link MessageObserver}). A tree has at most one; the Micrometer module's binder attaches
     * one. Without one, the tree pays nothing for observation.
     *
     * @param observer the observer
     * @return disposing it detaches the observer (observations under way still end)
     * @throws IllegalStateException if the tree already has an observer
     * @throws NullPointerException if {@code observer} is null
     */
    Disposable observe(MessageObserver observer);

    /**
     * Stops the tree gracefully: stop accepting messages, let each component finish its
     * current message and drain its mailbox, children in reverse start order, each awaited,
     * all within {@code deadline}. At the deadline the message in progress and what is left
     * become dead letters with reason {@link DeadLetterReason#SHUT_DOWN} (their asks fail), and
     * a synchronous handler still running is interrupted. A component waiting out a restart
     * delay stops at once. Called on a nested supervisor, it stops that subtree as its parent's
     * {@link #stopChild(String, Duration)} does. Calling it again returns the same shutdown.
     *
     * @param deadline how long the shutdown may take, positive, at most 36500 days
     * @return a Mono that completes when every child has stopped and the event stream has
     *     completed, within the deadline
     * @throws IllegalArgumentException if {@code deadline} is not positive or above 36500 days
     */
    Mono<Void> shutdown(Duration deadline);

    /**
     * Completes when the tree has terminated after a shutdown; fails with the cause when the
     * tree failed (an escalation reached the root).
     *
     * @return the termination of the tree
     */
    Mono<Void> termination();

    /**
     * Starts a new child at runtime, after the existing ones. The child is added and its start
     * begins when this method is called, whether or not the returned Mono is subscribed: its
     * ref can be looked up at once, and messages sent to it wait until it has started.
     *
     * @param child the spec of the child
     * @return a Mono that completes once the child's first incarnation has started (a
     *     supervisor's: with its declared children), or fails with
     *     {@link ChildStartException} carrying the cause if it could not start (its state
     *     factory threw), in which case the child is removed again and messages sent to it
     *     meanwhile are dead letters; as OTP's {@code start_child}
     * @throws IllegalArgumentException if a child of that name exists or the supervisor
     *     holds its maximum number of children
     * @throws IllegalStateException if the supervisor is stopping or has ended
     */
    Mono<Void> startChild(ChildSpec child);

    /**
     * Stops a child gracefully, as a shutdown would; it stays in the tree as STOPPED until
     * restarted or removed.
     *
     * @param name the child's name
     * @param deadline how long the child may take to drain its mailbox, positive, at most 36500 days
     * @return a Mono that completes when the child has stopped
     * @throws IllegalArgumentException if there is no such child, or {@code deadline} is not
     *     positive or above 36500 days
     */
    Mono<Void> stopChild(String name, Duration deadline);

    /**
     * Restarts a child with a fresh incarnation, whatever its state: a FAILED or STOPPED
     * child starts again (its restart window starts over), a running one is restarted, one
     * waiting out its restart delay starts now. The restart begins when this method is
     * called, whether or not the returned Mono is subscribed.
     *
     * @param name the child's name
     * @return a Mono that completes once the new incarnation has started, or fails with
     *     {@link ChildStartException} if it could not start (the child is then FAILED), with
     *     {@link IllegalArgumentException} if the child was removed meanwhile, or with
     *     {@link IllegalStateException} if the supervisor is stopping or has ended (nothing is
     *     restarted then)
     * @throws IllegalArgumentException if there is no such child
     */
    Mono<Void> restartChild(String name);

    /**
     * Stops a child gracefully and removes it from the tree.
     *
     * @param name the child's name
     * @param deadline how long the child may take to drain its mailbox, positive, at most 36500 days
     * @return a Mono that completes when the child has stopped and was removed
     * @throws IllegalArgumentException if there is no such child, or {@code deadline} is not
     *     positive or above 36500 days
     */
    Mono<Void> removeChild(String name, Duration deadline);
}
