package io.reactorsupervisor.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import reactor.core.Disposable;

import io.reactorsupervisor.Supervisor;

/**
 * Publishes {@link LivenessState#BROKEN} and {@link ReadinessState#REFUSING_TRAFFIC} when the
 * tree terminates while the application has not asked it to (an escalation reached the root,
 * or the root was stopped): Boot's {@code livenessState} indicator, in the liveness group, then
 * reports DOWN and an orchestrator restarts the instance, as OTP's heart restarts a node.
 */
final class AvailabilityPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AvailabilityPublisher.class);

    private final Disposable subscription;

    AvailabilityPublisher(Supervisor root, ApplicationEventPublisher publisher, SupervisionLifecycle lifecycle) {
        this.subscription = root.termination().subscribe(null, error -> {
            log.error("the supervision tree '{}' failed ({}): liveness BROKEN", root.name(), Views.cause(error));
            broken(publisher, error);
        }, () -> {
            if (!lifecycle.stopping()) {
                log.error("the supervision tree '{}' terminated while the application runs: liveness BROKEN",
                        root.name());
                broken(publisher, root);
            }
        });
    }

    private static void broken(ApplicationEventPublisher publisher, Object source) {
        AvailabilityChangeEvent.publish(publisher, source, LivenessState.BROKEN);
        AvailabilityChangeEvent.publish(publisher, source, ReadinessState.REFUSING_TRAFFIC);
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}
