package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The library's log keeps no message content unless told how to describe it; durations read as people write them. */
class LogRedactionTest extends VirtualTimeTest {

    private static final String CARD = "4111 1111 1111 1111";

    private final Logger log = (Logger) LoggerFactory.getLogger("io.reactorsupervisor.Supervisor");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level level;

    @BeforeEach
    void capture() {
        appender.start();
        level = log.getLevel();
        log.setLevel(Level.DEBUG);
        log.addAppender(appender);
    }

    @AfterEach
    void release() {
        log.detachAppender(appender);
        log.setLevel(level);
    }

    private List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Crashes on "boom ...", rejects "invalid ..." (RESUME). */
    private static ComponentSpec.Builder<String, String, Object> orders(String name) {
        return ComponentSpec.<String, String, Object>named(name)
                .state(Object::new)
                .syncHandler((s, m) -> {
                    if (m.startsWith("boom")) {
                        throw new IllegalStateException("crashed");
                    }
                    if (m.startsWith("invalid")) {
                        throw new IllegalArgumentException("rejected");
                    }
                    return m;
                })
                .onFailure(IllegalArgumentException.class, Directive.RESUME)
                .restart(RestartStrategy.delayed(Duration.ofMillis(1500)));
    }

    @Test
    void byDefaultALogLineShowsAMessagesTypeAndNeverItsContent() {
        Supervisor root = start(Supervisor.named("root").child(orders("c").mailbox(Mailbox.bounded(1)).build()));
        ComponentRef<String, String> ref = root.ref("c");
        ref.tell("boom card " + CARD);
        ref.tell("invalid card " + CARD); // waits out the restart delay
        ref.tell("full card " + CARD); // refused: the mailbox holds one
        advance(Duration.ofSeconds(2));
        assertThat(String.join("\n", lines())).doesNotContain(CARD).doesNotContain("PT1.5S");
        assertThat(lines()).contains(
                "'root/c' crashed on a message of type java.lang.String (RESTART)",
                "'root/c' restarting in 1.5 s (attempt 1 in a row)",
                "'root/c' rejected a message of type java.lang.String and carries on: "
                        + "java.lang.IllegalArgumentException",
                "dead letter for 'root/c' (MAILBOX_FULL): a message of type java.lang.String");
    }

    @Test
    void describeMessagesShowsWhatTheUserChoosesBoundedAndSafely() {
        Function<String, String> lastFour = m -> "order ending " + m.substring(m.length() - 4);
        Supervisor root = start(Supervisor.named("root")
                .child(orders("described").describeMessages(lastFour).build())
                .child(orders("long").describeMessages(m -> "x".repeat(500)).build())
                .child(orders("throwing").describeMessages(m -> {
                    throw new IllegalStateException("describer broke");
                }).build()));
        root.<String, String>ref("described").tell("boom card " + CARD);
        root.<String, String>ref("long").tell("boom card " + CARD);
        root.<String, String>ref("throwing").tell("boom card " + CARD);
        advance(1);
        assertThat(lines()).contains(
                "'root/described' crashed on order ending 1111 (RESTART)",
                "'root/long' crashed on " + "x".repeat(200) + "... (300 more characters) (RESTART)",
                "'root/throwing' crashed on a message of type java.lang.String (describeMessages threw "
                        + "java.lang.IllegalStateException) (RESTART)");
        assertThat(String.join("\n", lines())).doesNotContain(CARD);
    }
}
