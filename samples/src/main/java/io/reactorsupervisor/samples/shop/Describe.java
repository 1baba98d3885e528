package io.reactorsupervisor.samples.shop;

import java.time.Duration;

import io.reactorsupervisor.Directive;
import io.reactorsupervisor.HealthCheckFailedException;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.RestartLimitExceededException;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.wasm.WasmTrapException;
import org.jspecify.annotations.Nullable;

/** Supervision events in words, for the demo's timeline and the dashboard's event log. */
public final class Describe {

    private static final int MAX_MESSAGE = 40;

    private Describe() {
    }

    /**
     * @param event an event
     * @return what happened, in words, without the time and path
     */
    public static String event(SupervisionEvent event) {
        if (event instanceof SupervisionEvent.Started) {
            return "started";
        }
        if (event instanceof SupervisionEvent.Crashed) {
            return crashed((SupervisionEvent.Crashed) event);
        }
        if (event instanceof SupervisionEvent.Restarting) {
            SupervisionEvent.Restarting e = (SupervisionEvent.Restarting) event;
            return "restarting in " + duration(e.delay()) + " (attempt " + e.attempt() + " in a row)";
        }
        if (event instanceof SupervisionEvent.Restarted) {
            return "restarted (restart #" + ((SupervisionEvent.Restarted) event).restarts() + ")";
        }
        if (event instanceof SupervisionEvent.Stopped) {
            return "stopped: " + ((SupervisionEvent.Stopped) event).reason();
        }
        if (event instanceof SupervisionEvent.Removed) {
            return "removed from the tree";
        }
        if (event instanceof SupervisionEvent.Failed) {
            return "FAILED, gave up: " + cause(((SupervisionEvent.Failed) event).cause());
        }
        if (event instanceof SupervisionEvent.Escalated) {
            return "escalated: " + cause(((SupervisionEvent.Escalated) event).cause());
        }
        if (event instanceof SupervisionEvent.HealthCheckFailed) {
            SupervisionEvent.HealthCheckFailed e = (SupervisionEvent.HealthCheckFailed) event;
            return "health check failed (" + e.consecutiveFailures() + " in a row): " + e.reason();
        }
        if (event instanceof SupervisionEvent.DeadLetter) {
            SupervisionEvent.DeadLetter e = (SupervisionEvent.DeadLetter) event;
            return "dead letter " + e.reason() + ": " + message(e.message());
        }
        SupervisionEvent.CircuitStateChanged e = (SupervisionEvent.CircuitStateChanged) event;
        if (e.fromState().equals(e.toState())) {
            return "breaker '" + e.breaker() + "' guards calls to it, " + e.toState();
        }
        return "breaker '" + e.breaker() + "' " + e.fromState() + " -> " + e.toState();
    }

    /**
     * A failure in words, by its directive: a RESUME rejected the message and kept the state, the
     * others ended the incarnation ("crashed"), RESTART (the usual one) without saying so.
     */
    private static String crashed(SupervisionEvent.Crashed e) {
        if (e.directive() == Directive.RESUME && e.message() != null) {
            return "rejected " + message(e.message()) + ", kept its state (RESUME): " + cause(e.cause());
        }
        String what = e.message() == null ? "crashed: " + cause(e.cause())
                : "crashed on " + message(e.message()) + ": " + cause(e.cause());
        return e.directive() == Directive.RESTART ? what : what + " (" + e.directive() + ")";
    }

    /**
     * @param t a failure
     * @return the failure in a few words
     */
    public static String cause(@Nullable Throwable t) {
        if (t == null) {
            return "unknown";
        }
        if (t instanceof WasmTrapException) {
            WasmTrapException w = (WasmTrapException) t;
            return "WebAssembly trap " + w.kind() + " in '" + w.exportName() + "'";
        }
        if (t instanceof MessageCrashedException && t.getCause() != null) {
            return "it crashed the component (" + cause(t.getCause()) + ")";
        }
        if (t instanceof HealthCheckFailedException) {
            return "hung: " + t.getMessage();
        }
        if (t instanceof RestartLimitExceededException) {
            String m = String.valueOf(t.getMessage());
            int last = m.indexOf("; last crash");
            return last < 0 ? m : m.substring(0, last);
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /**
     * @param message a message
     * @return it quoted, shortened, control characters shown as {@code \xNN}
     */
    public static String message(@Nullable Object message) {
        String s = String.valueOf(message);
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < MAX_MESSAGE; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > MAX_MESSAGE) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    /**
     * @param d a duration
     * @return it as "250 ms" or "1.5 s"
     */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format("%.1f s", ms / 1000.0);
    }
}
