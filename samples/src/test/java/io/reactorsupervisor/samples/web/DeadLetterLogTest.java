package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.SupervisionEvent;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** The dead letters the page inspects: the newest first, a fixed number back, by component. */
class DeadLetterLogTest {

    private static SupervisionEvent.DeadLetter letter(String path, Object message, Throwable cause) {
        return new SupervisionEvent.DeadLetter(path, Instant.ofEpochMilli(1_000), message, DeadLetterReason.CRASHED,
                cause);
    }

    @Test
    void theNewestComeFirstAndTheOldestDropOutBeyondTheCapacity() {
        Sinks.Many<SupervisionEvent.DeadLetter> sink = Sinks.many().multicast().directBestEffort();
        try (DeadLetterLog log = new DeadLetterLog(sink.asFlux(), 2)) {
            sink.tryEmitNext(letter("shop/a", "one", null));
            sink.tryEmitNext(letter("shop/b", "two", null));
            sink.tryEmitNext(letter("shop/a", "three", new IllegalStateException("bad state")));

            assertThat(log.recent(null, 10)).extracting(DeadLetterView::id).containsExactly(3L, 2L);
            assertThat(log.recent("shop/a", 10)).singleElement().satisfies(d -> {
                assertThat(d.message()).isEqualTo("\"three\"");
                assertThat(d.reason()).isEqualTo("CRASHED");
                assertThat(d.cause()).isEqualTo("IllegalStateException: bad state");
                assertThat(d.timeMillis()).isEqualTo(1_000);
            });
            assertThat(log.recent("", 1)).extracting(DeadLetterView::id).containsExactly(3L);
            assertThat(log.recent("shop/nothing", 10)).isEmpty();
        }
    }

    @Test
    void aMessageIsShownQuotedCutAndWithoutControlCharacters() {
        try (DeadLetterLog log = new DeadLetterLog(Flux.just(letter("shop/a", "a\u0001" + "x".repeat(500), null)),
                10)) {
            DeadLetterView d = log.recent(null, 1).get(0);
            assertThat(d.message()).startsWith("\"a\\x01xxx").endsWith("...\"").hasSizeLessThan(100);
            assertThat(d.cause()).isNull();
        }
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new DeadLetterLog(Flux.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be at least 1, but was 0");
    }
}
