package io.reactorsupervisor.spring;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import reactor.core.publisher.Mono;

import io.reactorsupervisor.ChildSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;

/**
 * Builds, starts and stops a supervision tree from the application's {@code ComponentSpec}
 * and {@code SupervisorSpec} beans (children of a root named by {@code reactor-supervisor.root.name},
 * in bean order), its {@link SupervisorCustomizer}s and {@link SupervisorProperties}; adds a
 * liveness/readiness events and the recent events; {@link SupervisorActuatorAutoConfiguration}
 * adds health, the endpoint and metrics. An application's own {@code Supervisor} bean replaces the tree the starter builds.
 */
@AutoConfiguration
@ConditionalOnClass(Supervisor.class)
@ConditionalOnBooleanProperty(name = "reactor-supervisor.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SupervisorProperties.class)
public class ReactorSupervisorAutoConfiguration {

    /** Creates the auto-configuration (Spring does). */
    public ReactorSupervisorAutoConfiguration() {
    }

    /**
     * The root spec: the spec beans as children, then the customizers, then the overrides.
     *
     * @param properties the configuration
     * @param children the application's {@code ComponentSpec} and {@code SupervisorSpec} beans
     * @param customizers the application's customizers
     * @return the root's spec
     */
    static SupervisorSpec rootSpec(SupervisorProperties properties, List<ChildSpec> children,
            List<SupervisorCustomizer> customizers) {
        SupervisorProperties.Root root = properties.root();
        SupervisorSpec.Builder builder = Keys.apply("reactor-supervisor.root.name",
                () -> SupervisorSpec.named(root.name())).strategy(root.strategy());
        if (root.intensity() != null) {
            builder.intensity(Overrides.limit(root.intensity(), "reactor-supervisor.root.intensity"));
        }
        if (root.escalateOnFailure()) {
            builder.escalateOnFailure();
        }
        Map<ChildSpec, Boolean> nested = new IdentityHashMap<>();
        for (ChildSpec child : children) {
            if (child instanceof SupervisorSpec s) {
                markNested(s, nested);
            }
        }
        for (ChildSpec child : children) {
            if (!nested.containsKey(child)) {
                builder.child(child);
            }
        }
        for (SupervisorCustomizer customizer : customizers) {
            customizer.customize(builder);
        }
        return new Overrides(properties).apply(builder.build());
    }

    private static void markNested(SupervisorSpec spec, Map<ChildSpec, Boolean> nested) {
        for (ChildSpec child : spec.children()) {
            nested.put(child, Boolean.TRUE);
            if (child instanceof SupervisorSpec s) {
                markNested(s, nested);
            }
        }
    }

    /**
     * The running tree. It starts when the bean is created, so that other beans can take refs
     * from it; the context waits for its children in {@link SupervisionLifecycle#start()}. If the
     * context's refresh fails before the lifecycle exists, the tree is shut down when the context
     * destroys its singletons.
     *
     * @param properties the configuration
     * @param children the spec beans, in order
     * @param customizers the customizers, in order
     * @param beanFactory where the tree's shutdown is registered for a failed refresh
     * @param environment for {@code spring.lifecycle.timeout-per-shutdown-phase}
     * @return the started root
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(Supervisor.class)
    public Supervisor reactorSupervisor(SupervisorProperties properties, ObjectProvider<ChildSpec> children,
            ObjectProvider<SupervisorCustomizer> customizers, BeanFactory beanFactory, Environment environment) {
        Duration deadline = shutdownDeadline(properties, environment);
        Supervisor root = rootSpec(properties, children.orderedStream().toList(),
                customizers.orderedStream().toList()).start();
        if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
            registry.registerDisposableBean("reactorSupervisorShutdownOnFailedRefresh", () -> {
                ComponentState state = root.snapshot().state();
                if (state != ComponentState.STOPPED && state != ComponentState.FAILED
                        && state != ComponentState.STOPPING) {
                    root.shutdown(deadline).onErrorResume(e -> Mono.empty()).block(deadline.plusSeconds(1));
                }
            });
        }
        return root;
    }

    /**
     * Waits for the tree at start and shuts it down gracefully at stop.
     *
     * @param root the tree
     * @param properties the configuration
     * @param environment for {@code spring.lifecycle.timeout-per-shutdown-phase}
     * @return the lifecycle
     */
    @Bean
    @ConditionalOnSingleCandidate(Supervisor.class)
    public SupervisionLifecycle reactorSupervisorLifecycle(Supervisor root, SupervisorProperties properties,
            Environment environment) {
        return new SupervisionLifecycle(root, properties.startupTimeout(), shutdownDeadline(properties, environment));
    }

    static Duration shutdownDeadline(SupervisorProperties properties, Environment environment) {
        Duration phase = Binder.get(environment).bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(Duration.ofSeconds(30));
        Duration own = properties.shutdownDeadline();
        if (own == null) {
            // Spring's timeout may be longer than the library's timers allow: the tree waits the longest they do
            return phase.compareTo(Keys.MAX_DURATION) > 0 ? Keys.MAX_DURATION : phase;
        }
        if (own.compareTo(phase) > 0) {
            throw new IllegalArgumentException("reactor-supervisor.shutdown-deadline (" + own + ") must not exceed "
                    + "spring.lifecycle.timeout-per-shutdown-phase (" + phase + "): Spring would stop waiting first");
        }
        return own;
    }

    /**
     * Liveness BROKEN and readiness REFUSING_TRAFFIC when the tree terminates unasked.
     *
     * @param root the tree
     * @param publisher the context
     * @param lifecycle tells an expected termination from another
     * @return the publisher
     */
    @Bean
    @ConditionalOnSingleCandidate(Supervisor.class)
    AvailabilityPublisher reactorSupervisorAvailability(Supervisor root, ApplicationEventPublisher publisher,
            SupervisionLifecycle lifecycle) {
        return new AvailabilityPublisher(root, publisher, lifecycle);
    }

    /**
     * The recent events and dead letters.
     *
     * @param root the tree
     * @param properties {@code recent-events}
     * @return the buffer
     */
    @Bean
    @ConditionalOnSingleCandidate(Supervisor.class)
    @ConditionalOnMissingBean
    public RecentEvents reactorSupervisorRecentEvents(Supervisor root, SupervisorProperties properties) {
        return new RecentEvents(root, properties.recentEvents());
    }
}
