package io.reactorsupervisor.micrometer;

import java.util.Locale;
import java.util.Objects;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;

/**
 * The default names and key values of the observations of asks and handlings:
 * <ul>
 *   <li>name {@value #ASK_NAME} or {@value #HANDLE_NAME};</li>
 *   <li>contextual name (a span's name) {@code "ask <component path>"} or
 *       {@code "handle <component path>"};</li>
 *   <li>low-cardinality key values {@value #COMPONENT} (the component's path, or its supervisor's
 *       group {@code "<supervisor path>/*"} for a component without meters of its own: as the
 *       meters' tag) and {@value #OUTCOME} ({@code success}, {@code error}, {@code cancelled}
 *       for an ask its subscriber cancelled; {@code unknown} while it runs);</li>
 *   <li>high-cardinality key value {@value #COMPONENT_PATH}, the component's path.</li>
 * </ul>
 * Extend it to add key values; each instance serves one {@link MessageObservationContext.Kind}.
 */
public class DefaultMessageObservationConvention implements MessageObservationConvention {

    /** The name of the observation of an ask: {@value}. */
    public static final String ASK_NAME = "reactor.supervisor.ask";
    /** The name of the observation of a handling: {@value}. */
    public static final String HANDLE_NAME = "reactor.supervisor.handle";
    /** The low-cardinality key of the component: {@value}. */
    public static final String COMPONENT = "component";
    /** The low-cardinality key of the outcome: {@value}. */
    public static final String OUTCOME = "outcome";
    /** The high-cardinality key of the component's path: {@value}. */
    public static final String COMPONENT_PATH = "component.path";

    /** The convention of asks. */
    public static final DefaultMessageObservationConvention ASK =
            new DefaultMessageObservationConvention(MessageObservationContext.Kind.ASK);
    /** The convention of handlings. */
    public static final DefaultMessageObservationConvention HANDLE =
            new DefaultMessageObservationConvention(MessageObservationContext.Kind.HANDLE);

    private final MessageObservationContext.Kind kind;

    /**
     * A convention for one kind of observation.
     *
     * @param kind the kind of the contexts it serves
     * @throws NullPointerException if {@code kind} is null
     */
    protected DefaultMessageObservationConvention(MessageObservationContext.Kind kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** @return the kind of the contexts it serves */
    public final MessageObservationContext.Kind kind() {
        return kind;
    }

    /** @return {@value #ASK_NAME} or {@value #HANDLE_NAME} */
    @Override
    public String getName() {
        return kind == MessageObservationContext.Kind.ASK ? ASK_NAME : HANDLE_NAME;
    }

    /** @return {@code "ask <component path>"} or {@code "handle <component path>"} */
    @Override
    public String getContextualName(MessageObservationContext context) {
        return (context.kind() == MessageObservationContext.Kind.ASK ? "ask " : "handle ") + context.componentPath();
    }

    /** @return {@value #COMPONENT} and {@value #OUTCOME} */
    @Override
    public KeyValues getLowCardinalityKeyValues(MessageObservationContext context) {
        MessageObservationContext.Outcome outcome = context.outcome();
        return KeyValues.of(COMPONENT, context.component(), OUTCOME,
                outcome == null ? "unknown" : outcome.name().toLowerCase(Locale.ROOT));
    }

    /** @return {@value #COMPONENT_PATH} */
    @Override
    public KeyValues getHighCardinalityKeyValues(MessageObservationContext context) {
        return KeyValues.of(COMPONENT_PATH, context.componentPath());
    }

    /** @return whether {@code context} is a {@link MessageObservationContext} of this convention's kind */
    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof MessageObservationContext && ((MessageObservationContext) context).kind() == kind;
    }
}
