package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Rules of the reactive-streams specification that the TCK skips for a publisher of no
 * elements (see {@link ReliabilityIncarnationFluxTckTest}) but that a live incarnation must
 * keep all the same, and the side effects of the null signals of rule 2.13 on
 * {@link ComponentCell.InFlight}. On virtual time: the drain runs when the test says so.
 */
class ReliabilityReactiveStreamsRulesTest extends VirtualTimeTest {

    /** Records every signal it receives, and its subscription. */
    static final class Recorder implements CoreSubscriber<Object> {
        final List<String> signals = new CopyOnWriteArrayList<>();
        Subscription subscription;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            signals.add("onSubscribe");
        }

        @Override
        public void onNext(Object v) {
            signals.add("onNext");
        }

        @Override
        public void onError(Throwable t) {
            signals.add("onError " + t.getMessage());
        }

        @Override
        public void onComplete() {
            signals.add("onComplete");
        }
    }

    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final Tree tree = new Tree();

    private ComponentCell standalone() {
        ComponentCell cell = new ComponentCell(ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    handled.add(m);
                    if (m.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return m;
                })
                .build(), null, tree, 0);
        subscribe(tree);
        return cell;
    }

    private void subscribe(Tree t) {
        t.events().subscribe(events::add);
    }

    @Test
    void aCancelledIncarnationSignalsNothingMoreAndTheCellLetsGoOfIt() {
        ComponentCell cell = standalone();
        Recorder r = new Recorder();
        cell.incarnations().subscribe(r);
        assertThat(cell.current).isSameAs(r.subscription);
        cell.ref.tell("before");
        assertThat(handled).containsExactly("before");

        r.subscription.cancel();
        r.subscription.cancel(); // rule 3.7: cancel after cancel is a no-op
        r.subscription.request(1); // rule 3.6: request after cancel is a no-op
        r.subscription.request(Long.MAX_VALUE);
        assertThat(cell.current).isNull(); // rule 3.13: the cell no longer holds the cancelled incarnation
        cell.ref.tell("after"); // rule 1.8: nothing is handled for, or signalled to, a cancelled subscription
        cell.ref.tell("boom");
        advance(1000);

        assertThat(handled).containsExactly("before");
        assertThat(r.signals).containsExactly("onSubscribe");
        assertThat(cell.ref.mailboxDepth()).isEqualTo(2);
    }

    @Test
    void eachSubscriptionIsAFreshIncarnationThatEndsOnceWithItsCrash() {
        ComponentCell cell = standalone();
        Recorder first = new Recorder();
        cell.incarnations().subscribe(first);
        cell.ref.tell("boom");
        assertThat(first.signals).containsExactly("onSubscribe", "onError boom");
        first.subscription.cancel(); // after the end: a no-op (rule 3.7 again)
        first.subscription.request(1);
        assertThat(first.signals).hasSize(2);

        Recorder second = new Recorder();
        cell.incarnations().subscribe(second);
        cell.ref.tell("next");
        assertThat(handled).containsExactly("boom", "next");
        assertThat(second.signals).containsExactly("onSubscribe");
        assertThat(second.subscription).isNotSameAs(first.subscription);
    }

    @Test
    void aNullOnErrorFromABrokenMonoThrowsAndLeavesTheIncarnationRunning() {
        ComponentCell cell = standalone();
        Recorder r = new Recorder();
        cell.incarnations().subscribe(r);
        Incarnation inc = cell.current;
        InFlight f = new InFlight(inc, "message", 0, null);
        inc.inFlight = f;
        f.onSubscribe(new Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });

        assertThatThrownBy(() -> f.onError(null)).isInstanceOf(NullPointerException.class).hasMessage("onError");
        assertThatThrownBy(() -> f.onNext(null)).isInstanceOf(NullPointerException.class).hasMessage("onNext");
        assertThat(inc.ended).isFalse();
        assertThat(cell.current).isSameAs(inc);
        assertThat(events).noneMatch(e -> e instanceof SupervisionEvent.Crashed || e instanceof SupervisionEvent.DeadLetter);
        assertThat(r.signals).containsExactly("onSubscribe");

        f.onNext("reply"); // the Mono can still finish properly
        f.onComplete();
        assertThat(cell.handledCount()).isEqualTo(1);
        assertThat(inc.inFlight).isNull();
        StepVerifier.create(cell.ref.ask("then")).expectNext("then").verifyComplete();
    }

    @Test
    void aRealHandlerMonoThatErrorsIsOneCrashOfItsIncarnation() {
        ComponentCell cell = new ComponentCell(ComponentSpec.<String, String, Object>named("async")
                .state(Object::new).handler((s, m) -> Mono.<String>error(new IllegalArgumentException(m)).hide())
                .build(), null, tree, 0);
        subscribe(tree);
        Recorder r = new Recorder();
        cell.incarnations().subscribe(r);
        StepVerifier.create(cell.ref.ask("bad")).expectError(MessageCrashedException.class).verify();
        assertThat(r.signals).containsExactly("onSubscribe", "onError bad");
        assertThat(cell.current).isNull();
    }
}
