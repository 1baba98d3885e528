package io.reactorsupervisor.samples.shop;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.reactorsupervisor.DeadLetterReason;

/**
 * The demo's own count of one component's messages, kept apart from the library's: how many
 * were sent to it (counted by the sender, {@link CountingRef}), how many its handler finished
 * (counted by the handler itself), and the dead letters and restarts the event stream
 * reported for it.
 */
public final class Tally {

    private final String path;
    private final LongAdder sent = new LongAdder();
    private final LongAdder handled = new LongAdder();
    private final LongAdder restarts = new LongAdder();
    private final Map<DeadLetterReason, LongAdder> deadLetters = new EnumMap<>(DeadLetterReason.class);

    Tally(String path) {
        this.path = path;
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(reason, new LongAdder()); // filled once: read without locking afterwards
        }
    }

    /** @return the component's path */
    public String path() {
        return path;
    }

    /** @return messages sent to it with {@code tell} or {@code ask}, refused ones included */
    public long sent() {
        return sent.sum();
    }

    /** @return messages its handler finished */
    public long handled() {
        return handled.sum();
    }

    /** @return restarts seen on the event stream */
    public long restarts() {
        return restarts.sum();
    }

    /**
     * @param reason a dead-letter reason
     * @return dead letters seen on the event stream with that reason
     */
    public long deadLetters(DeadLetterReason reason) {
        return deadLetters.get(reason).sum();
    }

    /** @return dead letters seen on the event stream, all reasons */
    public long deadLetters() {
        long n = 0;
        for (LongAdder a : deadLetters.values()) {
            n += a.sum();
        }
        return n;
    }

    /** @return whether every message sent has been handled or dead-lettered, so far */
    public boolean settled() {
        return sent() == handled() + deadLetters();
    }

    void countSent() {
        sent.increment();
    }

    void countHandled() {
        handled.increment();
    }

    void countDeadLetter(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    void countRestart() {
        restarts.increment();
    }

    @Override
    public String toString() {
        return path + ": sent " + sent() + ", handled " + handled() + ", dead letters " + deadLetters();
    }
}
