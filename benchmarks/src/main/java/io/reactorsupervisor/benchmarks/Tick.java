package io.reactorsupervisor.benchmarks;

/**
 * The payload every benchmark sends. A preallocated singleton, so no variant pays for
 * allocating a payload; each runtime still allocates whatever it needs to carry it (Pekko's
 * envelope and mailbox node, a queue slot in Reactor).
 */
enum Tick {
    INSTANCE
}
