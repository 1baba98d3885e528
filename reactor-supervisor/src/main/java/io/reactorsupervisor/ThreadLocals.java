package io.reactorsupervisor;

import io.micrometer.context.ContextSnapshotFactory;
import reactor.util.context.ContextView;

/**
 * Restores the ThreadLocal values a sender's Reactor context carries (SLF4J's MDC, a tracer's
 * current span, a security context) around the handler call, through Micrometer's
 * {@code context-propagation} library, as Reactor's automatic context propagation does for its
 * operators. The library is optional: without it on the class path nothing is restored, and
 * this class never touches it.
 */
final class ThreadLocals {

    /** Whether {@code io.micrometer:context-propagation} is on the class path. */
    static final boolean AVAILABLE = present("io.micrometer.context.ContextSnapshotFactory");

    /** What {@link #restore} returns: closing it puts the thread's values back. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final Scope NOTHING = () -> { };

    private ThreadLocals() {
    }

    /**
     * Sets the ThreadLocal values registered with context-propagation's global
     * {@code ContextRegistry} from {@code context}, until the returned scope is closed.
     */
    static Scope restore(ContextView context) {
        if (!AVAILABLE || context.isEmpty()) {
            return NOTHING;
        }
        return Factory.INSTANCE.setThreadLocalsFrom(context)::close;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, ThreadLocals.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Loaded only when the library is present. */
    private static final class Factory {
        static final ContextSnapshotFactory INSTANCE = ContextSnapshotFactory.builder().build();
    }
}
