/**
 * JMH benchmarks: Reactor Supervisor beside the raw Reactor floor and Apache Pekko typed actors.
 *
 * <p>Each class is one measurement; its methods are the variants measured side by side in the
 * same run: {@code rawReactor} / {@code rawReactorPublishOn} (a bare sink and subscriber doing the
 * same work, the floor), {@code pekko} (the peer) and, once the core exists, {@code supervisor}.
 * See benchmarks/README.md for exactly what each one includes.
 */
@NullMarked
package io.reactorsupervisor.benchmarks;

import org.jspecify.annotations.NullMarked;
