package io.reactorsupervisor;

import org.reactivestreams.Subscriber;
import org.reactivestreams.tck.SubscriberBlackboxVerification;
import org.reactivestreams.tck.TestEnvironment;
import reactor.core.publisher.BaseSubscriber;

/**
 * The reactive-streams TCK (TestNG, run on the JUnit Platform by the TestNG engine) against
 * {@link ComponentCell.InFlight}, the subscriber of an asynchronous handler's Mono for one
 * message. A black-box verification: {@code InFlight} is final and takes no probe, and the
 * white-box rules it could add (the subscriber's own cancel) never happen on their own; it
 * cancels only when its incarnation is killed, which the chaos and health-check tests cover.
 *
 * <p>Each subscriber handles one told message for a standalone component (no parent) with a
 * live incarnation: completing replies to it and counts it, failing crashes that incarnation.
 */
public class ReliabilityInFlightTckTest extends SubscriberBlackboxVerification<Object> {

    private static final long TIMEOUT_MILLIS = 500;

    public ReliabilityInFlightTckTest() {
        super(new TestEnvironment(TIMEOUT_MILLIS));
    }

    @Override
    public Subscriber<Object> createSubscriber() {
        ComponentCell cell = new ComponentCell(ComponentSpec.<Object, Object, Object>named("tck")
                .state(Object::new).syncHandler((s, m) -> m).build(), null, new Tree(), 0);
        Incarnation inc = new Incarnation(cell, new BaseSubscriber<Object>() {
            @Override
            protected void hookOnError(Throwable crash) {
                // the pipeline's end: a failed Mono ended the incarnation, as it should
            }
        });
        inc.state = new Object();
        cell.current = inc;
        InFlight f = new InFlight(inc, "message", 0, null);
        inc.inFlight = f;
        f.subscribing = false;
        return f;
    }

    @Override
    public Object createElement(int element) {
        return element;
    }
}
