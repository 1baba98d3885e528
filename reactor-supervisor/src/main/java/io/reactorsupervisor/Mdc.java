package io.reactorsupervisor;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPMDCAdapter;

/**
 * The component's path in SLF4J's MDC, under {@link Supervisor#MDC_COMPONENT}, while its drain
 * runs (its handler, state factory and {@code close()}) and while the library logs about it.
 * A drain can run inside another one's handler (a component on {@code Schedulers.immediate()}
 * told by another), so {@link #restore} puts back the value {@link #put} found instead of
 * removing the key.
 */
final class Mdc {

    /**
     * Whether SLF4J's binding keeps an MDC at all (slf4j-simple's and the no-op binding's do
     * not): without one, a drain does not build its path for it.
     */
    static final boolean ACTIVE = !(MDC.getMDCAdapter() instanceof NOPMDCAdapter);

    private Mdc() {
    }

    /** Puts {@code path} in the MDC; returns the value to {@linkplain #restore put back}. */
    static @Nullable String put(String path) {
        String previous = MDC.get(Supervisor.MDC_COMPONENT);
        MDC.put(Supervisor.MDC_COMPONENT, path);
        return previous;
    }

    static void restore(@Nullable String previous) {
        if (previous == null) {
            MDC.remove(Supervisor.MDC_COMPONENT);
        } else {
            MDC.put(Supervisor.MDC_COMPONENT, previous);
        }
    }
}
