package io.reactorsupervisor.spring;

import static io.reactorsupervisor.spring.AutoConfigurationTest.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.test.StepVerifier;

import io.reactorsupervisor.ComponentState;
import io.reactorsupervisor.Supervisor;
import io.reactorsupervisor.SupervisorSpec;

/** What an application, an operator or a bad configuration can do wrong. */
class HostileUseTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReactorSupervisorAutoConfiguration.class,
                    SupervisorActuatorAutoConfiguration.class))
            .withBean("billing", io.reactorsupervisor.ComponentSpec.class, () -> echo("billing"))
            .withBean("shop", SupervisorSpec.class, () -> SupervisorSpec.named("shop").child(echo("orders")).build())
            .withPropertyValues("management.endpoints.web.exposure.include=supervision");

    @Test
    void theEndpointRefusesPathsAndActionsThatNameNothing() {
        runner.run(context -> {
            SupervisionEndpoint endpoint = context.getBean(SupervisionEndpoint.class);
            assertThatThrownBy(() -> endpoint.act(new String[0], "restart"))
                    .isInstanceOf(InvalidEndpointRequestException.class);
            assertThatThrownBy(() -> endpoint.act(new String[] { "billing", " " }, "restart"))
                    .isInstanceOf(InvalidEndpointRequestException.class);
            assertThatThrownBy(() -> endpoint.act(new String[] { "billing" }, "RESTART; rm -rf"))
                    .isInstanceOf(InvalidEndpointRequestException.class).hasMessageContaining("restart or stop");
            assertThatThrownBy(() -> endpoint.act(new String[] { "billing", "deeper" }, "stop"))
                    .isInstanceOf(InvalidEndpointRequestException.class);
            StepVerifier.create(endpoint.act(new String[] { "nope" }, "restart"))
                    .expectError(InvalidEndpointRequestException.class).verify(Duration.ofSeconds(5));
            assertThat(endpoint.child(new String[] { "nope" })).isNull();
            assertThat(endpoint.child(new String[] { "billing", "x", "y" })).isNull();
        });
    }

    @Test
    void stoppingASupervisorByPathStopsItsSubtreeAndTheRestRuns() {
        runner.run(context -> {
            SupervisionEndpoint endpoint = context.getBean(SupervisionEndpoint.class);
            Map<String, Object> result = endpoint.act(new String[] { "shop" }, "stop").block(Duration.ofSeconds(10));
            assertThat(result).containsEntry("state", "STOPPED");
            Supervisor root = context.getBean(Supervisor.class);
            assertThat(root.snapshot().child("billing").state()).isEqualTo(ComponentState.RUNNING);
            assertThat(endpoint.act(new String[] { "shop" }, "restart").block(Duration.ofSeconds(10)))
                    .containsEntry("state", "RUNNING");
            assertThat(root.snapshot().child("shop/orders").state()).isEqualTo(ComponentState.RUNNING);
        });
    }

    @Test
    void aCustomizerThatThrowsAnErrorFailsStartupWithIt() {
        runner.withBean(SupervisorCustomizer.class, () -> root -> {
            throw new AssertionError("customizer broke");
        }).run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("customizer broke"));
    }

    @Test
    void aCustomizerAddingADuplicateNameFailsStartupNamingIt() {
        runner.withBean(SupervisorCustomizer.class, () -> root -> root.child(echo("billing")))
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("billing"));
    }

    @Test
    void hugeAndNegativeValuesFailNamingTheirKey() {
        runner.withPropertyValues("reactor-supervisor.components.billing.restart.strategy=delayed",
                "reactor-supervisor.components.billing.restart.delay=99999999d")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.components[billing].restart.delay"));
        runner.withPropertyValues("reactor-supervisor.recent-events=2000000000")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.recent-events"));
        runner.withPropertyValues("reactor-supervisor.startup-timeout=0s")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.startup-timeout"));
        runner.withPropertyValues("reactor-supervisor.root.name=a/b")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.root.name"));
        runner.withPropertyValues("reactor-supervisor.components.billing.policy=sometimes")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("reactor-supervisor.components.billing.policy"));
    }

    @Test
    void theRecentEventsKeepOnlyTheirCapacity() {
        runner.withPropertyValues("reactor-supervisor.recent-events=2").run(context -> {
            Supervisor root = context.getBean(Supervisor.class);
            for (int i = 0; i < 5; i++) {
                root.restartChild("billing").block(Duration.ofSeconds(5));
            }
            assertThat(context.getBean(RecentEvents.class).events()).hasSize(2);
        });
    }
}
