package io.reactorsupervisor;

/**
 * The sliding window of a {@link RestartLimit}: the times of the restarts made within it (at
 * most {@code maxRestarts}), oldest first, in a ring that grows on demand (a child that never
 * crashes keeps no array). Not thread-safe; its owner serializes access.
 */
final class RestartWindow {

    private static final long[] EMPTY = new long[0];

    private final int max;
    private final long windowNanos;
    private final boolean unlimited;
    private long[] times = EMPTY;
    private int next;
    private int size;

    RestartWindow(RestartLimit limit) {
        this.max = limit.maxRestarts();
        this.windowNanos = limit.within().toNanos();
        this.unlimited = limit.isUnlimited();
    }

    /**
     * Records a restart at {@code nowNanos} if the limit allows one.
     *
     * @return false when {@code maxRestarts} restarts already lie within the window ending now
     *     (its start included)
     */
    boolean tryRecord(long nowNanos) {
        if (unlimited) {
            return true;
        }
        if (max == 0) {
            return false;
        }
        // restarts that have left the window are dropped, as OTP's supervisor drops them: the ring holds
        // the window's restarts alone, however many were made before (a large limit over a long run)
        while (size > 0 && nowNanos - times[oldest()] > windowNanos) {
            size--;
        }
        // inclusive, as OTP's: a restart exactly one window ago is still in the ring
        if (size == max) {
            return false;
        }
        if (size == times.length) {
            grow();
        }
        times[next] = nowNanos;
        next = (next + 1) % times.length;
        size++;
        return true;
    }

    private int oldest() {
        return (next - size + times.length) % times.length;
    }

    private void grow() {
        long[] grown = new long[(int) Math.min(max, Math.max(4L, times.length * 2L))];
        int from = size == 0 ? 0 : oldest();
        for (int i = 0; i < size; i++) {
            grown[i] = times[(from + i) % times.length];
        }
        times = grown;
        next = size;
    }

    /**
     * How many recorded restarts lie within the window ending at {@code nowNanos}; 0 for an
     * unlimited limit, which records none. Read by other threads for a gauge: it copes with a
     * ring that changes under it (an approximate count, never an exception).
     */
    int countWithin(long nowNanos) {
        long[] t = times;
        int length = t.length;
        int n = Math.min(size, length);
        int from = Math.floorMod(next - n, Math.max(1, length)); // the oldest; next may belong to a newer ring
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (nowNanos - t[(from + i) % length] <= windowNanos) {
                count++;
            }
        }
        return count;
    }

    /** How many restart times the ring can hold now, for tests: it holds the window's restarts alone. */
    int capacity() {
        return times.length;
    }

    void clear() {
        size = 0;
        next = 0;
    }
}
