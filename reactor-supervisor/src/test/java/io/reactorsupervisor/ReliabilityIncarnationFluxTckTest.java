package io.reactorsupervisor;

import java.util.concurrent.atomic.AtomicInteger;

import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;

/**
 * The reactive-streams TCK (TestNG, run on the JUnit Platform by the TestNG engine, so in
 * {@code mvn test} and {@code mvn verify}) against {@link ComponentCell.IncarnationFlux}, the
 * publisher whose every subscription is one incarnation of a component, and
 * {@link Incarnation}, its subscription.
 *
 * <p>An incarnation never emits items: it ends with {@code onComplete} when a stopping
 * component has drained its mailbox and with {@code onError} when it crashes. So
 * {@link #maxElementsFromPublisher()} is 0, and the TCK itself skips every rule that needs an
 * element (1.1-1.3, 1.5, 1.7, 1.11 multicast, 3.2, 3.3, 3.6, 3.7, 3.9, 3.12, 3.13, 3.17). What
 * runs: 1.4 (a failed publisher signals onError), 1.5 for an empty stream, 1.9 (onSubscribe
 * first, NullPointerException for a null subscriber, rejection by onError after onSubscribe).
 *
 * <p>{@link #createPublisher(long)} gives the incarnations of a standalone component (no parent
 * supervisor) that has been asked to stop: each subscription starts an incarnation, finds the
 * mailbox empty and completes. {@link #createFailedPublisher()} gives those of a component
 * whose state factory throws: each subscription gets {@code onSubscribe}, then {@code onError}.
 */
public class ReliabilityIncarnationFluxTckTest extends PublisherVerification<Object> {

    private static final long TIMEOUT_MILLIS = 500;
    private static final AtomicInteger NAMES = new AtomicInteger();

    public ReliabilityIncarnationFluxTckTest() {
        super(new TestEnvironment(TIMEOUT_MILLIS));
    }

    private static ComponentCell standalone(ComponentSpec<?, ?> spec) {
        // a root component: ChildCell treats a null parent as "nobody to restart it"
        return new ComponentCell(spec, null, new Tree(), 0);
    }

    @Override
    public Publisher<Object> createPublisher(long elements) {
        if (elements != 0) {
            throw new IllegalArgumentException("an incarnation emits no items, but " + elements + " were asked for");
        }
        ComponentCell cell = standalone(ComponentSpec.<Object, Object, Object>named("tck-" + NAMES.incrementAndGet())
                .state(Object::new).syncHandler((s, m) -> m).build());
        cell.moveTo(ComponentState.STOPPING); // each incarnation drains the (empty) mailbox and completes
        return cell.incarnations();
    }

    @Override
    public Publisher<Object> createFailedPublisher() {
        ComponentCell cell = standalone(ComponentSpec.<Object, Object, Object>named("tck-failed-" + NAMES.incrementAndGet())
                .state(() -> {
                    throw new IllegalStateException("no state for the TCK");
                })
                .syncHandler((s, m) -> m).build());
        return cell.incarnations();
    }

    @Override
    public long maxElementsFromPublisher() {
        return 0;
    }
}
