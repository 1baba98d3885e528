package io.reactorsupervisor.wasm;

import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Directive;
import io.reactorsupervisor.HealthCheck;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Makes a {@link WasmModule} a component like any other: a {@link ComponentSpec.Builder} whose
 * state is a fresh {@link WasmInstance} per incarnation and whose handler hands each message to
 * the guest. Everything else (restart strategy, limit, policy, mailbox, redeliveries, health
 * check) is set on the returned builder as for any component.
 *
 * <pre>{@code
 * WasmModule module = WasmModule.builder()
 *     .resource("wasm/echo.wasm")
 *     .timeBudget(Duration.ofMillis(200))
 *     .build();                                      // parsed, checked and compiled once
 *
 * ComponentSpec<String, String> echo = WasmComponent.named("echo", module, WasmCodec.utf8(), WasmCodec.utf8())
 *     .restart(RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0))
 *     .limit(RestartLimit.of(5, Duration.ofMinutes(1)))
 *     .healthCheck(HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(1)))
 *     .healthProbe(WasmComponent.healthProbe())       // asks the guest's health() export
 *     .build();
 *
 * Supervisor root = Supervisor.named("root").child(echo).start();
 * String reply = root.ref(echo).ask("hello").block();
 * }</pre>
 *
 * <p>What supervision means for a guest:
 * <ul>
 *   <li><b>A trap is a crash.</b> Any {@link WasmTrapException} (a trap, a reply outside
 *       memory, a failing host function, an overrun time budget) thrown while handling a message
 *       crashes the incarnation: the {@code Crashed} event, the {@code DeadLetter} of the message
 *       (unless it is redelivered) and the failed {@code ask} carry that exception, whose
 *       {@link WasmTrapException#kind() kind} says which trap.</li>
 *   <li><b>A message too large for the guest is rejected, not a crash.</b> A message longer
 *       than the module's {@linkplain WasmModule#maxMessageBytes() maximum} (once encoded) never
 *       reaches the guest: it fails with {@link WasmMessageTooLargeException}, which the returned
 *       builder already maps to {@link Directive#RESUME}, so it becomes a {@code DeadLetter} of
 *       reason {@code TOO_LARGE} with that cause, an {@code ask} fails with it, and the component
 *       carries on with the same instance. (That rule is declared first: a further
 *       {@code onFailure} for that type or a subtype of it is refused, one for a supertype such
 *       as {@code IllegalArgumentException} is fine and applies to other failures.)</li>
 *   <li><b>A restart is a fresh instance.</b> The next incarnation gets a new instance from
 *       {@link WasmModule#newInstance()}: new linear memory, globals and tables, {@code init} run
 *       again. Nothing of the crashed guest survives, and other components started from the same
 *       module (each with its own instance) are untouched. An instance is closed when its
 *       incarnation ends and is never used again.</li>
 *   <li><b>One message at a time.</b> A component never runs its handler concurrently with
 *       itself, nor with its health probe, so the guest sees one call at a time; the instance's
 *       refusal of overlapping calls is only a safety net.</li>
 *   <li><b>Where it runs.</b> The guest runs on the component's scheduler, by default
 *       {@code Schedulers.parallel()}, for at most the module's time budget per message. A module
 *       granted host functions that block (I/O, locks) should be marked
 *       {@link ComponentSpec.Builder#blocking() blocking()}.</li>
 *   <li><b>A failing instantiation is a crash too.</b> If the module's start function or its
 *       {@code init} export traps, the incarnation fails as it starts, and is restarted, or
 *       given up on, like any crash.</li>
 * </ul>
 *
 * <p>The returned builder may be given another state factory (to observe the instances, say) as
 * long as it returns a fresh instance of the same module on every call; an instance shared
 * between incarnations or components would carry memory across a restart. Not instantiable.
 */
public final class WasmComponent {

    private static final Function<WasmInstance, Mono<Boolean>> HEALTH_PROBE =
            instance -> Mono.fromCallable(instance::healthy);

    private WasmComponent() {
    }

    /**
     * Starts the description of a component that exchanges raw bytes with its guest: a message
     * is copied into the guest's memory as it is, and the reply is a copy of the bytes the
     * guest named ({@linkplain io.reactorsupervisor.wasm see the ABI}); a guest that gives no
     * reply (length 0) replies an empty array.
     *
     * @param name the component's name, unique among its siblings; non-blank, without '/'
     * @param module the module every incarnation instantiates
     * @return a builder with the state and handler set; add options and call {@code build()}
     * @throws NullPointerException if {@code name} or {@code module} is null
     * @throws IllegalArgumentException if {@code name} is blank or contains '/'
     */
    public static ComponentSpec.Builder<byte[], byte[], WasmInstance> named(String name, WasmModule module) {
        return wire(name, module, WasmInstance::handle);
    }

    /**
     * Starts the description of a component whose messages and replies are encoded for the guest
     * by codecs: a message is encoded, copied into the guest's memory and handled; the reply's
     * bytes are decoded (a guest that gives no reply yields the decoding of an empty array, the
     * empty string for {@link WasmCodec#utf8()}). A codec that throws crashes the incarnation,
     * as a handler exception does.
     *
     * @param name the component's name, unique among its siblings; non-blank, without '/'
     * @param module the module every incarnation instantiates
     * @param messageCodec encodes messages for the guest
     * @param replyCodec decodes the guest's replies
     * @param <M> the type of messages
     * @param <R> the type of replies
     * @return a builder with the state and handler set; add options and call {@code build()}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or contains '/'
     */
    public static <M, R> ComponentSpec.Builder<M, R, WasmInstance> named(
            String name, WasmModule module, WasmCodec<? super M> messageCodec, WasmCodec<? extends R> replyCodec) {
        return wire(name, module, WasmInstance.handler(messageCodec, replyCodec));
    }

    /**
     * The health probe that asks the guest: it calls the module's {@code health() -> i32}
     * export, under the module's time budget, when the health check's probe reaches the front
     * of the mailbox (so never during a message). Nonzero is healthy, 0 a failed check; a module
     * without a {@code health} export is always healthy. Give it together with a health check:
     *
     * <pre>{@code
     * WasmComponent.named("parse", module)
     *     .healthCheck(HealthCheck.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(1)).withUnhealthyAfter(2))
     *     .healthProbe(WasmComponent.healthProbe())
     *     .build();
     * }</pre>
     *
     * <p>After {@link HealthCheck#unhealthyAfter()} failed checks in a row the incarnation ends
     * and a fresh instance takes over. If {@code health()} traps, the probe fails with that
     * {@link WasmTrapException}, which counts as a failed check, and the instance is poisoned:
     * until the health check restarts the component, a message handed to it crashes the
     * incarnation with an {@link IllegalStateException} caused by that trap. Use
     * {@code withUnhealthyAfter(1)} to restart at the first failed check.
     *
     * @return the shared probe, usable with any {@code ComponentSpec.Builder<?, ?, WasmInstance>}
     */
    public static Function<WasmInstance, Mono<Boolean>> healthProbe() {
        return HEALTH_PROBE;
    }

    private static <M, R> ComponentSpec.Builder<M, R, WasmInstance> wire(
            String name, WasmModule module, BiFunction<WasmInstance, M, R> handler) {
        ComponentSpec.Builder<M, R, WasmInstance> builder = ComponentSpec.named(name);
        Objects.requireNonNull(module, "module");
        return builder.state(module::newInstance).syncHandler(handler)
                .onFailure(WasmMessageTooLargeException.class, Directive.RESUME);
    }
}
