package io.reactorsupervisor.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Retained heap, for the memory benchmarks. */
final class Heap {

    /** Two readings closer than this are taken as "nothing more to collect". */
    private static final long SETTLED_BYTES = 64 * 1024;

    private static final int MAX_COLLECTIONS = 10;

    private Heap() {
    }

    /**
     * Heap in use after full collections: collects (System.gc(), a full, synchronous collection
     * under G1 unless -XX:+ExplicitGCInvokesConcurrent is set) until two successive readings
     * differ by less than 64 KiB, so that garbage freed only by a second pass (reference
     * processing) is not counted as retained.
     */
    static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long used = memory.getHeapMemoryUsage().getUsed();
        for (int i = 1; i < MAX_COLLECTIONS; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            boolean settled = Math.abs(used - now) < SETTLED_BYTES;
            used = now;
            if (settled) {
                break;
            }
        }
        return used;
    }
}
