package io.reactorsupervisor.benchmarks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Starting and stopping the peer: one Pekko typed {@link ActorSystem} per trial, with the
 * default dispatcher and mailbox (what a Pekko user gets out of the box), logging at WARNING.
 *
 * <p>The guardian is {@link SpawnProtocol}, so that the benchmark thread, which is not an actor,
 * can spawn the actors a benchmark needs during setup.
 */
final class Pekko {

    /** Timeout for asks: generous, a benchmark that hits it is broken. */
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    private static final Config CONFIG = ConfigFactory.parseString(String.join("\n",
                    "pekko.loglevel = WARNING",
                    "pekko.stdout-loglevel = WARNING",
                    "pekko.log-dead-letters-during-shutdown = off"))
            .withFallback(ConfigFactory.load());

    private Pekko() {
    }

    /** Starts an actor system whose guardian spawns actors on request. */
    static ActorSystem<SpawnProtocol.Command> start(String name) {
        return ActorSystem.create(SpawnProtocol.create(), name, CONFIG);
    }

    /** Spawns a top-level actor and waits until it exists (its name is made unique if taken). */
    static <T> ActorRef<T> spawn(ActorSystem<SpawnProtocol.Command> system, Behavior<T> behavior, String name) {
        return await(AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(
                system,
                replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo),
                ASK_TIMEOUT,
                system.scheduler()).toCompletableFuture());
    }

    /** Terminates the system and waits for it to be gone, so that no trial overlaps the next. */
    static void terminate(ActorSystem<?> system) {
        system.terminate();
        await(system.getWhenTerminated().toCompletableFuture());
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
