package io.reactorsupervisor.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;
import java.time.Duration;

/**
 * Turns what a guest call threw into a {@link WasmTrapException}.
 *
 * <p>Chicory 1.7.5 reports traps as {@code TrapException}, {@code WasmRuntimeException} or a
 * plain {@code ChicoryException}, depending on the instruction and on compiler or interpreter,
 * so the kind is read from the message, which is the same in both ("integer divide by zero",
 * "out of bounds memory access[: attempted to access address: ...]", ...).
 */
final class Traps {

    private Traps() {
    }

    /**
     * Classifies a failure of a guest call. Must not be given a {@link VirtualMachineError}.
     *
     * @param exportName the export that was running
     * @param failure what the call threw
     * @param budgetSpent whether the call's time budget ran out (the watchdog interrupted it)
     * @param budget the time budget, for the message
     * @return the trap to throw
     */
    static WasmTrapException classify(
            String exportName, Throwable failure, boolean budgetSpent, Duration budget) {
        if (failure instanceof WasmTrapException) {
            return (WasmTrapException) failure;
        }
        if (budgetSpent) {
            // Whatever the interrupt made the guest or a host function throw, the cause is the budget.
            return new WasmTrapException(
                    TrapKind.TIME_BUDGET_EXCEEDED,
                    exportName,
                    "time budget of " + format(budget) + " exceeded",
                    failure);
        }
        if (failure instanceof HostFunctionFailure) {
            HostFunctionFailure f = (HostFunctionFailure) failure;
            Throwable cause = f.getCause() == null ? f : f.getCause();
            return new WasmTrapException(
                    TrapKind.HOST_FUNCTION,
                    exportName,
                    "host function " + f.function() + " threw " + cause,
                    cause);
        }
        String message = failure.getMessage();
        String detail = message == null ? failure.getClass().getName() : message;
        TrapKind kind = failure instanceof ChicoryException && !(failure instanceof ChicoryInterruptedException)
                ? kindOf(detail)
                : TrapKind.OTHER;
        return new WasmTrapException(kind, exportName, detail, failure);
    }

    private static TrapKind kindOf(String message) {
        if (message.equals("Trapped on unreachable instruction")) {
            return TrapKind.UNREACHABLE;
        }
        if (message.startsWith("out of bounds memory access")) {
            return TrapKind.OUT_OF_BOUNDS_MEMORY;
        }
        if (message.equals("integer divide by zero")) {
            return TrapKind.DIVIDE_BY_ZERO;
        }
        if (message.equals("integer overflow")) {
            return TrapKind.INTEGER_OVERFLOW;
        }
        if (message.equals("invalid conversion to integer")) {
            return TrapKind.INVALID_CONVERSION;
        }
        if (message.equals("call stack exhausted")) {
            return TrapKind.CALL_STACK_EXHAUSTED;
        }
        return TrapKind.OTHER;
    }

    /** "100ms", "1s", "1m30s": a budget as people write it. */
    static String format(Duration d) {
        if (d.toNanosPart() % 1_000_000 != 0) {
            return d.toNanos() + "ns";
        }
        if (d.toMillisPart() != 0 || d.getSeconds() == 0) {
            return d.toMillis() + "ms";
        }
        return d.getSeconds() + "s";
    }
}
