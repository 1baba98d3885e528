package io.reactorsupervisor.micrometer;

import java.util.Objects;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What an observation of an ask or of a handling knows, for {@link MessageObservationConvention}s
 * and observation handlers: which kind it is, the component, the message, and, once ended, the
 * outcome (the error is the context's {@link #getError()}).
 */
public final class MessageObservationContext extends Observation.Context {

    /** What is observed. */
    public enum Kind {
        /** An {@code ask}, from its subscription to its reply, failure or cancellation. */
        ASK,
        /** One delivery of a message to a handler, from the handler's call to its reply or failure. */
        HANDLE
    }

    /** How an ask or a handling ended. */
    public enum Outcome {
        /** A reply, or none, without error. */
        SUCCESS,
        /** A failure: the handler's, a refusal, a dead letter, a kill. */
        ERROR,
        /** The ask's subscriber cancelled it (for example a {@code timeout}); the message is still handled. */
        CANCELLED
    }

    private final Kind kind;
    private final String componentPath;
    private final String component;
    private final Object message;
    private volatile @Nullable Outcome outcome;

    /**
     * Describes one ask or one handling.
     *
     * @param kind ask or handle
     * @param componentPath the component's path, for example {@code "shop/pipeline/parse"}
     * @param component the value of the {@code component} tag: the path, or its supervisor's
     *     group {@code "shop/pipeline/*"} for a component without meters of its own
     * @param message the message
     * @throws NullPointerException if an argument is null
     */
    public MessageObservationContext(Kind kind, String componentPath, String component, Object message) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.componentPath = Objects.requireNonNull(componentPath, "componentPath");
        this.component = Objects.requireNonNull(component, "component");
        this.message = Objects.requireNonNull(message, "message");
    }

    /** @return ask or handle */
    public Kind kind() {
        return kind;
    }

    /** @return the component's path */
    public String componentPath() {
        return componentPath;
    }

    /** @return the component's tag value: its path, or its supervisor's group ({@code "<supervisor path>/*"}) */
    public String component() {
        return component;
    }

    /** @return the message */
    public Object message() {
        return message;
    }

    /** @return how it ended, or null while it runs */
    public @Nullable Outcome outcome() {
        return outcome;
    }

    /**
     * Sets how it ended; the binding sets it before it stops the observation.
     *
     * @param outcome the outcome
     * @throws NullPointerException if {@code outcome} is null
     */
    public void setOutcome(Outcome outcome) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }
}
