/**
 * WebAssembly components run by <a href="https://chicory.dev">Chicory</a>, in pure Java.
 *
 * <p>A {@link io.reactorsupervisor.wasm.WasmModule} is parsed, validated and compiled once;
 * every incarnation of a component gets its own {@link io.reactorsupervisor.wasm.WasmInstance}
 * with its own linear memory, so a trap throws away that memory and nothing else.
 * {@link io.reactorsupervisor.wasm.WasmComponent} makes a module a component like any other.
 *
 * <h2>The ABI</h2>
 *
 * <h3>Exports</h3>
 * A module talks to the host through these exports, whose presence and types
 * {@link io.reactorsupervisor.wasm.WasmModule.Builder#build()} checks (names fixed except the
 * handler's):
 * <ul>
 *   <li>{@code memory}: the module's one linear memory, defined (not imported) by the module;</li>
 *   <li>{@code alloc(len: i32) -> i32}: returns the address of {@code len} writable bytes, into
 *       which the host copies the message;</li>
 *   <li>{@code handle(ptr: i32, len: i32) -> i64} (name configurable with
 *       {@link io.reactorsupervisor.wasm.WasmModule.Builder#handlerExport(String)}): handles the
 *       message at {@code [ptr, ptr + len)} and returns its reply packed into an i64,
 *       <b>address in the high 32 bits, length in the low 32 bits</b>, both unsigned:
 *       {@code (ptr << 32) | len};</li>
 *   <li>{@code init() -> ()}, optional: run once when an instance is created;</li>
 *   <li>{@code health() -> i32}, optional: nonzero means healthy, 0 unhealthy.</li>
 * </ul>
 *
 * <h3>One message</h3>
 * <ol>
 *   <li>The host calls {@code alloc(len)} with the message's length, which may be 0. The
 *       {@code len} bytes at the address it returns must lie inside linear memory.</li>
 *   <li>The host copies the message there and calls {@code handle(ptr, len)}.</li>
 *   <li>The host unpacks the result. A length of 0 (in particular a result of {@code 0}) means
 *       "no reply" and yields an empty byte array, whatever the address. Otherwise the reply's
 *       bytes must lie inside linear memory; the host copies them out before it makes another
 *       call, so the guest may reuse its reply buffer.</li>
 * </ol>
 * The host never frees anything: the guest owns its memory. Since a guest is handed one message
 * at a time, {@code alloc} may return the same buffer for every message. The bytes of messages
 * and replies are whatever the component's {@link io.reactorsupervisor.wasm.WasmCodec codecs}
 * make of them (UTF-8 with {@link io.reactorsupervisor.wasm.WasmCodec#utf8()}).
 *
 * <h3>Lifecycle</h3>
 * An instance is created for every incarnation of a component: fresh memory, globals and
 * tables; then the module's start function (if it has one) and its {@code init} export (if any)
 * run. WASI's {@code _start} and {@code _initialize} are not called: a C guest built in WASI's
 * reactor model calls {@code _initialize()} from its {@code init} to run its constructors. The
 * instance then handles messages, and {@code health()} when the component's health check asks
 * (between messages, never during one). When the incarnation ends the instance is closed and
 * dropped; it is never used again.
 *
 * <h3>Calls</h3>
 * <ul>
 *   <li><b>One at a time.</b> A guest never sees two calls at once: a component hands its state
 *       one message at a time, and an instance refuses an overlapping call.</li>
 *   <li><b>Time budget.</b> Each call ({@code alloc} and {@code handle} together, {@code health},
 *       or creation including {@code init}) runs under the module's wall-clock
 *       {@linkplain io.reactorsupervisor.wasm.WasmModule.Builder#timeBudget(java.time.Duration)
 *       time budget}; a guest that overruns it is stopped, and a call that returns after its
 *       budget ran out (the interrupt landed in a host function that ignored it) is a trap all
 *       the same, its result discarded. A host function is outside the budget's reach while it
 *       runs: one that may take long must wait interruptibly and throw when interrupted.</li>
 *   <li><b>Message size.</b> A message longer than the module's
 *       {@linkplain io.reactorsupervisor.wasm.WasmModule.Builder#maxMessageBytes(int) maximum}
 *       (by default half of the most memory an instance can have) is refused before
 *       {@code alloc} with a {@link io.reactorsupervisor.wasm.WasmMessageTooLargeException}; the
 *       instance carries on, and a component rejects that message instead of crashing.</li>
 *   <li><b>Memory cap.</b> Linear memory can grow to the smaller of the module's declared maximum
 *       and {@linkplain io.reactorsupervisor.wasm.WasmModule.Builder#memoryLimitPages(int) the
 *       cap}; {@code memory.grow} past it returns -1 to the guest, which is not a trap. A module
 *       whose initial memory exceeds the cap, or whose data segment does not fit its initial
 *       memory, is refused when built.</li>
 *   <li><b>Table cap.</b> Tables live on the host's heap, so they have a cap of their own:
 *       {@linkplain io.reactorsupervisor.wasm.WasmModule.Builder#tableLimitEntries(int) entries of
 *       all tables together}; {@code table.grow} past it returns -1. Every instance starts from
 *       the module's declared tables, whatever other instances grew.</li>
 *   <li><b>No GC proposal.</b> A module with struct or array types (the GC proposal) is refused
 *       when built: its objects would live on the host's heap, where no cap reaches.</li>
 *   <li><b>Imports.</b> A module may import only the host functions its
 *       {@link io.reactorsupervisor.wasm.WasmModule} grants, with the same types; any other
 *       import (including a memory, table or global) is refused when the module is built. WASI
 *       preview 1 functions are granted as a whole, with capabilities, by
 *       {@link io.reactorsupervisor.wasm.WasmModule.Builder#wasi(io.reactorsupervisor.wasm.Wasi)}.</li>
 * </ul>
 *
 * <h3>Failures</h3>
 * Any trap, an address from {@code alloc} or a reply outside linear memory, a failing host
 * function or a call that overruns its time budget is a
 * {@link io.reactorsupervisor.wasm.WasmTrapException}, whose
 * {@link io.reactorsupervisor.wasm.TrapKind} says which. The instance then refuses further
 * calls. In a component this is a crash: the supervisor restarts it with a fresh instance (or
 * gives up, per its restart limit), and other components started from the same module keep
 * their memory.
 *
 * <h3>A complete guest</h3>
 * Replies {@code "hello, "} followed by the message:
 *
 * <pre>{@code
 * (module
 *   (memory (export "memory") 1 1)
 *   (data (i32.const 0) "hello, ")                ;; the reply starts at 0, the message goes after it
 *   (func (export "alloc") (param $len i32) (result i32)
 *     (i32.const 1024))                           ;; one message at a time: one buffer will do
 *   (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
 *     (memory.copy (i32.const 7) (local.get $ptr) (local.get $len))
 *     ;; the reply: 7 + len bytes at address 0, packed as (0 << 32) | (7 + len)
 *     (i64.extend_i32_u (i32.add (i32.const 7) (local.get $len))))
 *   (func (export "health") (result i32)
 *     (i32.const 1)))
 * }</pre>
 */
@NullMarked
package io.reactorsupervisor.wasm;

import org.jspecify.annotations.NullMarked;
