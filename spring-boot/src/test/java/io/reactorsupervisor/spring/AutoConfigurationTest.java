package io.reactorsupervisor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartPolicy;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;
import io.reactorsupervisor.micrometer.SupervisorMetrics;

class AutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReactorSupervisorAutoConfiguration.class));

    static ComponentSpec<String, String> echo(String name) {
        return ComponentSpec.<String, String, StringBuilder>named(name).state(StringBuilder::new)
                .syncHandler((log, message) -> log.append(message).toString()).build();
    }

    @Configuration(proxyBeanMethods = false)
    static class Specs {
        @Bean
        @Order(2)
        ComponentSpec<String, String> billing() {
            return echo("billing");
        }

        @Bean
        @Order(1)
        SupervisorSpec shop() {
            return SupervisorSpec.named("shop").strategy(SupervisionStrategy.REST_FOR_ONE).child(echo("orders"))
                    .build();
        }
    }

    private static ComponentSpec<?, ?> specOf(Supervisor root, String path) {
        // the running tree keeps no spec; the properties are checked through the root spec the starter builds
        return null;
    }

    @Test
    void specBeansBecomeTheRootsChildrenInBeanOrderAndTheTreeRuns() {
        runner.withUserConfiguration(Specs.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Supervisor.class).hasSingleBean(SupervisionLifecycle.class);
            Supervisor root = context.getBean(Supervisor.class);
            assertThat(root.name()).isEqualTo("root");
            assertThat(root.snapshot().children()).extracting(c -> c.name()).containsExactly("shop", "billing");
            assertThat(root.snapshot().child("shop/orders").state()).isEqualTo(ComponentState.RUNNING);
            assertThat(root.<String, String>ref("billing").ask("a").block(Duration.ofSeconds(5))).isEqualTo("a");
        });
    }

    @Test
    void theRootTakesItsNameStrategyIntensityAndEscalationFromProperties() {
        SupervisorProperties props = bind("reactor-supervisor.root.name=app", "reactor-supervisor.root.strategy=one-for-all",
                "reactor-supervisor.root.intensity.max-restarts=3", "reactor-supervisor.root.intensity.within=10s",
                "reactor-supervisor.root.escalate-on-failure=true");
        SupervisorSpec spec = ReactorSupervisorAutoConfiguration.rootSpec(props, java.util.List.of(echo("a")),
                java.util.List.of());
        assertThat(spec.name()).isEqualTo("app");
        assertThat(spec.strategy()).isEqualTo(SupervisionStrategy.ONE_FOR_ALL);
        assertThat(spec.intensity()).isEqualTo(RestartLimit.of(3, Duration.ofSeconds(10)));
        assertThat(spec.escalates()).isTrue();
    }

    static SupervisorProperties bind(String... pairs) {
        java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            map.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(map))
                .bindOrCreate("reactor-supervisor", SupervisorProperties.class);
    }
}
