package io.reactorsupervisor;

import java.time.Duration;

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
     * Starts the description of a supervisor.
     *
     * @param name the supervisor's name; non-blank, without '/'
     * @return a builder whose {@code start()} runs the tree
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
     * oldest rather than slowing the tree down. Subscribers must not block. Completes when the
     * tree has terminated.
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

    /** @return this supervisor's subtree as it is now */
    SupervisorSnapshot snapshot();

    /**
     * Stops the tree gracefully: stop accepting messages, let each component finish its
     * current message and drain its mailbox, children in reverse start order, all within
     * {@code deadline}; what is left then becomes dead letters with reason
     * {@link DeadLetterReason#SHUT_DOWN}. Called on a nested supervisor, it stops that
     * subtree as its parent's {@link #stopChild(String, Duration)} does. Calling it again
     * returns the same shutdown.
     *
     * @param deadline how long the shutdown may take, positive
     * @return a Mono that completes when every child has stopped, within the deadline
     * @throws IllegalArgumentException if {@code deadline} is not positive
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
     * Starts a new child at runtime, after the existing ones.
     *
     * @param child the spec of the child
     * @throws IllegalArgumentException if a child of that name exists or the supervisor
     *     holds its maximum number of children
     * @throws IllegalStateException if the supervisor is not running
     */
    void startChild(ChildSpec child);

    /**
     * Stops a child gracefully, as a shutdown would; it stays in the tree as STOPPED until
     * restarted or removed.
     *
     * @param name the child's name
     * @param deadline how long the child may take to drain its mailbox
     * @return a Mono that completes when the child has stopped
     * @throws IllegalArgumentException if there is no such child
     */
    Mono<Void> stopChild(String name, Duration deadline);

    /**
     * Restarts a child with a fresh incarnation, whatever its state: a FAILED or STOPPED
     * child starts again (its restart window starts over), a running one is restarted.
     *
     * @param name the child's name
     * @throws IllegalArgumentException if there is no such child
     */
    void restartChild(String name);

    /**
     * Stops a child gracefully and removes it from the tree.
     *
     * @param name the child's name
     * @param deadline how long the child may take to drain its mailbox
     * @return a Mono that completes when the child has stopped and was removed
     * @throws IllegalArgumentException if there is no such child
     */
    Mono<Void> removeChild(String name, Duration deadline);
}
