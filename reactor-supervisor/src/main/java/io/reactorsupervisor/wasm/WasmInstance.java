package io.reactorsupervisor.wasm;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiPreview1;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * One instance of a {@link WasmModule}: its own linear memory, globals and tables, shared with
 * nothing. This is a component incarnation's state; when the incarnation ends, drop it.
 *
 * <p>As a component's state, a fresh instance per incarnation ({@link WasmComponent} does this
 * wiring for you):
 *
 * <pre>{@code
 * ComponentSpec.<String, String, WasmInstance>named("greeter")
 *     .state(module::newInstance)
 *     .syncHandler(WasmInstance.handler(WasmCodec.utf8(), WasmCodec.utf8()))
 *     .build();
 * }</pre>
 *
 * <p><b>Not thread-safe: one call at a time.</b> A call made while another is in progress (from
 * another thread, or re-entrantly from a host function) is refused with
 * {@link IllegalStateException} rather than corrupting the guest. Successive calls may come from
 * different threads, as a component's do.
 *
 * <p><b>Poisoned after any failure.</b> Once a call has thrown a {@link WasmTrapException} (or a
 * {@link VirtualMachineError} went through the guest), the guest's memory may hold a half-done
 * update, so every later call throws {@link IllegalStateException} whose cause is that first
 * failure. Nothing is shared between instances: a trapped instance's siblings are untouched.
 *
 * <p><b>Time budget.</b> Each call runs under the module's wall-clock budget; a guest that
 * overruns it is stopped by interrupting the calling thread, and the interrupt flag is cleared
 * before the call throws. A call that returns after its budget ran out is a trap of kind
 * {@link TrapKind#TIME_BUDGET_EXCEEDED} too, its result discarded, even if it finished: that
 * happens when the interrupt lands in a host function that ignores it, since Chicory looks for
 * interrupts only in guest code (at calls and backward branches). A host function that ignores
 * interrupts (busy computation, uninterruptible I/O) is therefore outside the budget's reach
 * while it runs: the budget can only fail the call once it returns. Host functions that may take
 * long should wait interruptibly (such as {@code Future.get}, {@code BlockingQueue.poll} with a
 * timeout, or a loop checking {@code Thread.currentThread().isInterrupted()}) and throw when
 * interrupted. An interrupt that did not come from the budget (say, the caller is
 * being shut down) also stops the guest: the call throws a {@link WasmTrapException} of kind
 * {@link TrapKind#OTHER} and leaves that interrupt flag set, since it belongs to whoever
 * interrupted.
 */
public final class WasmInstance implements AutoCloseable {

    private static final byte[] NO_REPLY = new byte[0];
    private static final long PAGE_SIZE = Memory.PAGE_SIZE;

    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int POISONED = 2;
    private static final int CLOSED = 3;

    private final WasmModule module;
    private final int maxMessageBytes;
    private final Memory memory;
    private final ExportFunction alloc;
    private final ExportFunction handler;
    private final @Nullable ExportFunction health;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    /** Set by {@link #close()}; a call in progress then finishes, and the next one is refused. */
    private volatile boolean closed;
    /**
     * The budget's slot of the thread that made the last call: a component calls its instance
     * from the same thread message after message, and the thread-local lookup was a tenth of
     * the per-message cost. Read and written only inside a call (calls are one at a time), and
     * checked against the current thread before each use.
     */
    private CallGuard.@Nullable Slot slot;
    private volatile @Nullable Throwable failure;
    /** The instance's own WASI state (the guest's open files), null without a WASI grant; see {@link #releaseWasi()}. */
    private @Nullable WasiPreview1 wasi;

    private WasmInstance(WasmModule module, Instance instance, @Nullable WasiPreview1 wasi) {
        this.module = module;
        this.wasi = wasi;
        this.maxMessageBytes = module.maxMessageBytes();
        this.memory = instance.memory();
        this.alloc = instance.export(ModuleCheck.ALLOC);
        this.handler = instance.export(module.handlerExport());
        this.health = module.hasHealth() ? instance.export(ModuleCheck.HEALTH) : null;
    }

    static WasmInstance create(WasmModule module) {
        String phase = "start";
        Instance instance = null;
        WasiPreview1 wasi = null;
        Throwable failure = null;
        CallGuard guard = CallGuard.start(module.timeBudgetNanos());
        try {
            WasmModule.Instantiation created = module.instantiate();
            instance = created.instance();
            wasi = created.wasi();
            if (module.hasInit()) {
                phase = ModuleCheck.INIT;
                instance.export(ModuleCheck.INIT).apply();
            }
        } catch (Throwable t) {
            failure = t;
        }
        boolean budgetSpent = guard.finish();
        if (failure == null && budgetSpent) {
            failure = finishedLate(module, phase);
        }
        if (failure != null) {
            if (wasi != null) {
                wasi.close(); // what init opened goes with the instance that never was
            }
            throw rethrow(phase, failure, budgetSpent, module);
        }
        return new WasmInstance(module, Objects.requireNonNull(instance), wasi);
    }

    /**
     * A handler for a component whose state is a {@code WasmInstance}: encodes the message,
     * {@linkplain #handle(byte[]) handles} it, decodes the reply.
     *
     * @param <M> the message type
     * @param <R> the reply type
     * @param messageCodec encodes messages
     * @param replyCodec decodes replies
     * @return a function of (instance, message) to reply
     * @throws NullPointerException if a codec is null
     */
    public static <M, R> BiFunction<WasmInstance, M, R> handler(
            WasmCodec<? super M> messageCodec, WasmCodec<? extends R> replyCodec) {
        Objects.requireNonNull(messageCodec, "messageCodec");
        Objects.requireNonNull(replyCodec, "replyCodec");
        return (instance, message) -> replyCodec.decode(instance.handle(messageCodec.encode(message)));
    }

    /**
     * Hands a message to the guest and returns its reply. The message is copied into linear
     * memory at the address {@code alloc(message.length)} returns; the handler export is called
     * with that address and length; its packed result {@code (ptr << 32) | len} names the reply,
     * which is copied out. Runs under the module's time budget.
     *
     * @param message the message bytes (not retained)
     * @return a copy of the reply; empty if the reply's length is 0, whatever its address
     *     (including a result of 0, "no reply")
     * @throws NullPointerException if {@code message} is null
     * @throws WasmMessageTooLargeException if {@code message} is longer than the module's
     *     {@linkplain WasmModule#maxMessageBytes() maximum}; nothing is called in the guest and
     *     the instance is not poisoned
     * @throws WasmTrapException if the guest traps, overruns its budget, a host function throws,
     *     or {@code alloc} or the handler return an address outside linear memory; the instance is
     *     then poisoned
     * @throws IllegalStateException if the instance is poisoned, closed, or in another call
     */
    public byte[] handle(byte[] message) {
        Objects.requireNonNull(message, "message");
        if (message.length > maxMessageBytes) {
            throw new WasmMessageTooLargeException(message.length, maxMessageBytes);
        }
        enter();
        String phase = ModuleCheck.ALLOC;
        long packed = 0;
        Throwable failure = null;
        CallGuard guard = CallGuard.start(module.timeBudgetNanos(), slot());
        try {
            int len = message.length;
            int ptr = (int) alloc.apply(len)[0];
            if (!inMemory(ptr, len)) {
                throw new WasmTrapException(TrapKind.BAD_REPLY, phase, "alloc(" + len + ") returned "
                        + Integer.toUnsignedString(ptr) + ", but " + len + " bytes there are outside linear memory ("
                        + memoryBytes() + " bytes)");
            }
            memory.write(ptr, message);
            phase = module.handlerExport();
            packed = handler.apply(ptr, len)[0];
        } catch (Throwable t) {
            failure = t;
        }
        boolean budgetSpent = guard.finish();
        if (failure == null && budgetSpent) {
            failure = finishedLate(phase);
        }
        if (failure != null) {
            throw poison(phase, failure, budgetSpent);
        }
        byte[] reply;
        try {
            reply = readReply(packed);
        } catch (Throwable t) {
            throw poison(phase, t, false);
        }
        exit();
        return reply;
    }

    /**
     * Asks the guest whether it is healthy, by calling its {@code health} export under the time
     * budget. A module without one is always healthy.
     *
     * @return true if {@code health()} returned nonzero, or there is no {@code health} export
     * @throws WasmTrapException if {@code health} traps or overruns the budget; the instance is
     *     then poisoned
     * @throws IllegalStateException if the instance is poisoned, closed, or in another call
     */
    public boolean healthy() {
        enter();
        ExportFunction h = health;
        if (h == null) {
            exit();
            return true;
        }
        long result = 0;
        Throwable failure = null;
        CallGuard guard = CallGuard.start(module.timeBudgetNanos(), slot());
        try {
            result = h.apply()[0];
        } catch (Throwable t) {
            failure = t;
        }
        boolean budgetSpent = guard.finish();
        if (failure == null && budgetSpent) {
            failure = finishedLate(ModuleCheck.HEALTH);
        }
        if (failure != null) {
            throw poison(ModuleCheck.HEALTH, failure, budgetSpent);
        }
        exit();
        return (int) result != 0;
    }

    /**
     * Whether a call failed and this instance must be discarded.
     *
     * @return true once any call has thrown a {@link WasmTrapException} or a VM error
     */
    public boolean isPoisoned() {
        return state.get() == POISONED;
    }

    /**
     * Marks the instance closed: later calls throw {@link IllegalStateException}. The guest's
     * memory is freed once the instance is no longer referenced. Idempotent; a call already in
     * progress finishes.
     */
    @Override
    public void close() {
        closed = true;
        // Idle: closed at once. In a call: that call finishes, and the next one finds the flag.
        // Poisoned or closed: stays so. The WASI state goes now unless a call is using it; then that
        // call's end releases it (see exit and poison: each side writes, then reads the other's flag).
        if (state.compareAndSet(IDLE, CLOSED) || state.get() != BUSY) {
            releaseWasi();
        }
    }

    /**
     * Closes the instance's WASI state, the files its guest left open among them (once; outside
     * any call). A guest that crash-loops with a directory grant would otherwise keep a
     * descriptor per incarnation.
     */
    private synchronized void releaseWasi() {
        WasiPreview1 w = wasi;
        if (w != null) {
            wasi = null;
            try {
                w.close();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(WasmInstance.class).warn("closing the WASI state of an instance of {} failed",
                        module, e);
            }
        }
    }

    /**
     * The module this is an instance of.
     *
     * @return the module
     */
    public WasmModule module() {
        return module;
    }

    @Override
    public String toString() {
        String s;
        int current = state.get();
        switch (current == POISONED || !closed ? current : CLOSED) {
            case IDLE:
                s = "idle";
                break;
            case BUSY:
                s = "busy";
                break;
            case POISONED:
                s = "poisoned";
                break;
            default:
                s = "closed";
        }
        return "WasmInstance[" + s + ", memoryPages=" + memory.pages() + ", " + module + "]";
    }

    /**
     * Ends a call that succeeded. Only the calling thread changes a busy instance's state
     * ({@link #close()} does not: it sets {@link #closed}), so a release store is enough, and
     * the next call's compare-and-set sees everything this call wrote (the guest's memory too).
     */
    private void exit() {
        if (wasi == null) {
            state.lazySet(IDLE);
            return;
        }
        state.set(IDLE); // a full fence: a close() that saw the call busy is seen here, or sees it idle
        if (closed && state.compareAndSet(IDLE, CLOSED)) {
            releaseWasi();
        }
    }

    private CallGuard.Slot slot() {
        CallGuard.Slot s = slot;
        if (s == null || !s.isCurrentThread()) {
            s = CallGuard.slotOfCurrentThread();
            slot = s;
        }
        return s;
    }

    private void enter() {
        if (state.compareAndSet(IDLE, BUSY)) {
            if (closed) { // closed during the previous call
                state.set(CLOSED);
                throw new IllegalStateException("WasmInstance is closed");
            }
            return;
        }
        switch (state.get()) {
            case BUSY:
                throw new IllegalStateException(
                        "WasmInstance is not thread-safe and is already in a call; calls must not overlap");
            case POISONED:
                Throwable cause = failure;
                throw new IllegalStateException("WasmInstance failed earlier and must be discarded"
                        + (cause == null ? "" : ": " + cause.getMessage()), cause);
            case CLOSED:
                throw new IllegalStateException("WasmInstance is closed");
            default:
                // IDLE again: a racing call finished between the CAS and the read.
                enter();
        }
    }

    private byte[] readReply(long packed) {
        int ptr = (int) (packed >>> 32);
        int len = (int) packed;
        if (len == 0) {
            return NO_REPLY; // "no reply", whatever the address
        }
        if (!inMemory(ptr, len)) {
            throw new WasmTrapException(TrapKind.BAD_REPLY, module.handlerExport(), "reply of "
                    + Integer.toUnsignedString(len) + " bytes at " + Integer.toUnsignedString(ptr)
                    + " is outside linear memory (" + memoryBytes() + " bytes)");
        }
        return memory.readBytes(ptr, len);
    }

    /** Whether [ptr, ptr + len), both unsigned, lies inside linear memory. */
    private boolean inMemory(int ptr, int len) {
        return Integer.toUnsignedLong(ptr) + Integer.toUnsignedLong(len) <= memoryBytes();
    }

    private long memoryBytes() {
        return memory.pages() * PAGE_SIZE;
    }

    private WasmTrapException finishedLate(String phase) {
        return finishedLate(module, phase);
    }

    /**
     * A call that returned after its budget ran out: the interrupt landed where the guest did not
     * look (typically in a host function that ignored it), so the call came back late. Its result
     * is not trusted: a budget that could be beaten by finishing late would be no budget.
     */
    private static WasmTrapException finishedLate(WasmModule module, String phase) {
        return new WasmTrapException(TrapKind.TIME_BUDGET_EXCEEDED, phase, "time budget of "
                + Traps.format(module.timeBudget()) + " exceeded (the call returned after it ran out)");
    }

    /** After a call ended poisoned: a close() that came during it left the WASI state to this side. */
    private void releaseIfClosed() {
        if (closed) {
            releaseWasi();
        }
    }

    /** Poisons this instance with a failure and returns what to throw; a VM error is thrown as it is. */
    private RuntimeException poison(String phase, Throwable t, boolean budgetSpent) {
        if (t instanceof VirtualMachineError) {
            failure = t;
            state.set(POISONED);
            releaseIfClosed();
            throw (VirtualMachineError) t;
        }
        WasmTrapException trap = Traps.classify(phase, t, budgetSpent, module.timeBudget());
        failure = trap;
        state.set(POISONED);
        releaseIfClosed();
        return trap;
    }

    /** Wraps a failure of guest code; a {@link VirtualMachineError} is thrown as it is. */
    private static RuntimeException rethrow(String phase, Throwable t, boolean budgetSpent, WasmModule module) {
        if (t instanceof VirtualMachineError) {
            throw (VirtualMachineError) t;
        }
        return Traps.classify(phase, t, budgetSpent, module.timeBudget());
    }
}
