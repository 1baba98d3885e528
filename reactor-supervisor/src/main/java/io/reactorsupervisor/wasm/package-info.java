/**
 * WebAssembly components run by <a href="https://chicory.dev">Chicory</a>, in pure Java.
 *
 * <p>A {@link io.reactorsupervisor.wasm.WasmModule} is parsed, validated and compiled once;
 * every incarnation of a component gets its own {@link io.reactorsupervisor.wasm.WasmInstance}
 * with its own linear memory, so a trap throws away that memory and nothing else.
 *
 * <h2>The ABI</h2>
 * A module talks to the host through these exports (names fixed except the handler's):
 * <ul>
 *   <li>{@code memory}: the module's one linear memory, defined (not imported) by the module;</li>
 *   <li>{@code alloc(len: i32) -> i32}: returns the address of {@code len} writable bytes, into
 *       which the host copies the message;</li>
 *   <li>{@code handle(ptr: i32, len: i32) -> i64} (name configurable): handles the message at
 *       {@code [ptr, ptr + len)} and returns its reply packed into an i64, <b>address in the high
 *       32 bits, length in the low 32 bits</b>, both unsigned: {@code (ptr << 32) | len}. A packed
 *       value whose length is 0 (in particular {@code 0}) means "no reply" and yields an empty
 *       array. The reply must lie inside linear memory; it is copied out before the next call, so
 *       the guest may reuse that buffer;</li>
 *   <li>{@code init() -> ()}, optional: run once when an instance is created;</li>
 *   <li>{@code health() -> i32}, optional: nonzero means healthy.</li>
 * </ul>
 * A module may import only the host functions its {@link io.reactorsupervisor.wasm.WasmModule}
 * grants. Any trap, a reply outside memory, a failing host function or a call that overruns its
 * time budget is a {@link io.reactorsupervisor.wasm.WasmTrapException}, after which the instance
 * refuses further calls.
 */
@NullMarked
package io.reactorsupervisor.wasm;

import org.jspecify.annotations.NullMarked;
