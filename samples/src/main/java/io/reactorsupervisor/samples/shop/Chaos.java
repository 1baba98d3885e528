package io.reactorsupervisor.samples.shop;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Crash and hang commands that any component of the shop obeys, for the dashboard's buttons.
 * A command is an ordinary message ({@code "!crash#7"}) sent with {@code tell}, so it takes
 * its turn in the mailbox like any other. Each command works once: a component that
 * redelivers the message that crashed it (store does) finds the command spent the second
 * time and ignores it, instead of crashing again.
 */
public final class Chaos {

    /** What a component does with a message. */
    enum Verdict {
        /** Not a command: handle it. */
        HANDLE,
        /** A live crash command: throw. */
        CRASH,
        /** A live hang command: never answer. */
        HANG,
        /** A spent command: answer nothing and carry on. */
        IGNORE
    }

    private static final String CRASH = "!crash#";
    private static final String HANG = "!hang#";

    private final AtomicLong ids = new AtomicLong();
    private final Set<String> armed = ConcurrentHashMap.newKeySet();

    /** @return a new crash command, to send to one component */
    public String crashCommand() {
        return arm(CRASH);
    }

    /** @return a new hang command, to send to one component whose handler is asynchronous */
    public String hangCommand() {
        return arm(HANG);
    }

    private String arm(String prefix) {
        String command = prefix + ids.incrementAndGet();
        armed.add(command);
        return command;
    }

    Verdict verdict(@Nullable Object message) {
        if (!(message instanceof String)) {
            return Verdict.HANDLE;
        }
        String m = (String) message;
        if (!m.startsWith(CRASH) && !m.startsWith(HANG)) {
            return Verdict.HANDLE;
        }
        if (!armed.remove(m)) {
            return Verdict.IGNORE;
        }
        return m.startsWith(CRASH) ? Verdict.CRASH : Verdict.HANG;
    }

    /** The exception a crash command throws. */
    static final class InjectedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedCrash(String command) {
            super("crash injected (" + command + ")", null, false, false);
        }
    }
}
