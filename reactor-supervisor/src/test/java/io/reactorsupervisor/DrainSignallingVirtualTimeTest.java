package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Messages that wait while the drain can't take them: between two incarnations, and behind an
 * asynchronous handler. Telling them returns at once (the drain does not spin on a mailbox it
 * can't take from), and they are handled once what blocked the drain ends. Virtual time: the
 * drain runs on the test thread, so a drain that spun would never return (hence the timeout on
 * a separate thread).
 */
class DrainSignallingVirtualTimeTest extends VirtualTimeTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void messagesToldDuringARestartDelayWaitForTheNextIncarnation() {
        List<String> handled = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.equals("crash")) {
                        throw new IllegalStateException("crash");
                    }
                    handled.add(m);
                    return m;
                })
                .restart(RestartStrategy.delayed(Duration.ofSeconds(1)))
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);

        assertThat(ref.tell("crash")).isTrue();
        assertThat(ref.state()).isEqualTo(ComponentState.RESTARTING);
        assertThat(ref.tell("a")).isTrue();
        assertThat(ref.tell("b")).isTrue();
        assertThat(handled).isEmpty();
        assertThat(ref.mailboxDepth()).isEqualTo(2);

        advance(Duration.ofMillis(999));
        assertThat(handled).isEmpty();
        advance(Duration.ofMillis(1));
        assertThat(handled).containsExactly("a", "b");
        assertThat(ref.mailboxDepth()).isZero();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void messagesToldBehindAPendingAsynchronousReplyAreHandledWhenItCompletes() {
        Sinks.One<String> pending = Sinks.one();
        List<String> handled = new CopyOnWriteArrayList<>();
        ComponentSpec<String, String> spec = ComponentSpec.<String, String, Object>named("c")
                .state(Object::new)
                .handler((s, m) -> {
                    handled.add(m);
                    return m.equals("wait") ? pending.asMono() : Mono.just(m);
                })
                .build();
        Supervisor root = start(Supervisor.named("root").child(spec));
        ComponentRef<String, String> ref = root.ref(spec);

        assertThat(ref.tell("wait")).isTrue();
        assertThat(ref.tell("c")).isTrue();
        assertThat(ref.tell("d")).isTrue();
        assertThat(handled).containsExactly("wait");

        pending.tryEmitValue("done");
        assertThat(handled).containsExactly("wait", "c", "d");
        assertThat(ref.mailboxDepth()).isZero();
    }
}
