package io.reactorsupervisor.wasm;

/**
 * Carries what a granted host function threw out through the guest's frames, so that it can be
 * told apart from the runtime's own exceptions. Never leaves this package.
 */
final class HostFunctionFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String function;

    HostFunctionFailure(String function, Throwable cause) {
        super("host function " + function + " failed", cause, false, false);
        this.function = function;
    }

    String function() {
        return function;
    }
}
