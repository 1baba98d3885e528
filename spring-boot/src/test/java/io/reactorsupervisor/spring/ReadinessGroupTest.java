package io.reactorsupervisor.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.Supervisor;

/** The tree's readiness contributor, and its place in Actuator's readiness group. */
class ReadinessGroupTest {

    static volatile CountDownLatch gate = new CountDownLatch(0);
    static volatile CountDownLatch entered = new CountDownLatch(1);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReactorSupervisorAutoConfiguration.class,
                    SupervisorActuatorAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
                    AvailabilityHealthContributorAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
                    AvailabilityProbesAutoConfiguration.class))
            .withUserConfiguration(Specs.class);

    /** "billing" blocks on the gate; "flaky" throws and waits an hour before its restart. */
    @Configuration(proxyBeanMethods = false)
    static class Specs {
        @Bean
        ComponentSpec<String, String> billing() {
            return ComponentSpec.<String, String, Object>named("billing").state(Object::new)
                    .mailbox(Mailbox.bounded(10)).syncHandler((state, message) -> {
                        entered.countDown();
                        try {
                            gate.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return message;
                    }).build();
        }

        @Bean
        ComponentSpec<String, String> flaky() {
            return ComponentSpec.<String, String, Object>named("flaky").state(Object::new)
                    .restart(RestartStrategy.delayed(Duration.ofHours(1)))
                    .<String>syncHandler((state, message) -> {
                        throw new IllegalStateException("crash requested");
                    }).build();
        }
    }

    @AfterEach
    void openTheGate() {
        gate.countDown();
    }

    @Test
    void theContributorIsAMemberOfTheReadinessGroupAndOfNoOther() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SupervisorReadinessHealthIndicator.class);
            HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
            assertThat(groups.get("readiness").isMember("reactorSupervisorReadiness")).isTrue();
            assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
            assertThat(groups.get("liveness").isMember("reactorSupervisorReadiness")).isFalse();
            assertThat(groups.get("liveness").isMember("livenessState")).isTrue();
            assertThat(groups.getPrimary().isMember("reactorSupervisorReadiness")).isFalse();
            assertThat(groups.getPrimary().isMember("reactorSupervisor")).isTrue();
        });
    }

    @Test
    void theReadinessGroupKeepsItsAdditionalPath() {
        runner.withPropertyValues("management.endpoint.health.probes.add-additional-paths=true").run(context -> {
            HealthEndpointGroup readiness = context.getBean(HealthEndpointGroups.class).get("readiness");
            assertThat(readiness.isMember("reactorSupervisorReadiness")).isTrue();
            assertThat(readiness.getAdditionalPath()).isNotNull();
            assertThat(readiness.getAdditionalPath().getValue()).isEqualTo("/readyz");
        });
    }

    @Test
    void runBeforeBootsProbesItCreatesTheReadinessGroupAsTheyWould() {
        MockEnvironment environment = new MockEnvironment();
        HealthEndpointGroup primary = new HealthEndpointGroup() {
            @Override
            public boolean isMember(String name) {
                return true;
            }

            @Override
            public boolean showComponents(SecurityContext securityContext) {
                return true;
            }

            @Override
            public boolean showDetails(SecurityContext securityContext) {
                return true;
            }

            @Override
            public StatusAggregator getStatusAggregator() {
                return StatusAggregator.getDefault();
            }

            @Override
            public HttpCodeStatusMapper getHttpCodeStatusMapper() {
                return HttpCodeStatusMapper.DEFAULT;
            }

            @Override
            public AdditionalHealthEndpointPath getAdditionalPath() {
                return null;
            }
        };
        HealthEndpointGroups groups = new ReadinessGroupMembership("reactorSupervisorReadiness", environment)
                .postProcessHealthEndpointGroups(HealthEndpointGroups.of(primary, Map.of()));
        HealthEndpointGroup readiness = groups.get("readiness");
        assertThat(readiness.isMember("reactorSupervisorReadiness")).isTrue();
        assertThat(readiness.isMember("readinessState")).isTrue();
        assertThat(readiness.isMember("diskSpace")).isFalse();
        assertThat(readiness.showDetails(SecurityContext.NONE)).isFalse();
        assertThat(groups.getPrimary().isMember("reactorSupervisorReadiness")).isFalse();
        assertThat(groups.getPrimary().isMember("diskSpace")).isTrue();

        environment.setProperty("management.endpoint.health.probes.enabled", "false");
        assertThat(new ReadinessGroupMembership("reactorSupervisorReadiness", environment)
                .postProcessHealthEndpointGroups(HealthEndpointGroups.of(primary, Map.of())).get("readiness")).isNull();
    }

    @Test
    void anApplicationThatChoosesTheReadinessGroupsMembersKeepsItsChoice() {
        runner.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState")
                .run(context -> {
                    HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
                    assertThat(groups.get("readiness").isMember("reactorSupervisorReadiness")).isFalse();
                    assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
                });
    }

    @Test
    void anApplicationThatChoosesThePrimaryGroupsMembersKeepsItsChoice() {
        runner.withPropertyValues("management.endpoint.health.include=*").run(context -> {
            HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
            assertThat(groups.getPrimary().isMember("reactorSupervisorReadiness")).isTrue();
            assertThat(groups.get("readiness").isMember("reactorSupervisorReadiness")).isTrue();
        });
    }

    @Test
    void aPropertySwitchesTheContributorAndItsMembershipOff() {
        runner.withPropertyValues("management.health.reactor-supervisor-readiness.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(SupervisorReadinessHealthIndicator.class)
                    .doesNotHaveBean(ReadinessGroupMembership.class).hasSingleBean(SupervisorHealthIndicator.class);
            assertThat(context.getBean(HealthEndpointGroups.class).get("readiness")
                    .isMember("reactorSupervisorReadiness")).isFalse();
        });
    }

    @Test
    void withoutTheProbesTheContributorStillExists() {
        runner.withPropertyValues("management.endpoint.health.probes.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SupervisorReadinessHealthIndicator.class);
            assertThat(context.getBean(HealthEndpointGroups.class).get("readiness")).isNull();
        });
    }

    @Test
    void outOfServiceWhileAMailboxIsPastItsThresholdWithThePathAndReason() {
        gate = new CountDownLatch(1);
        entered = new CountDownLatch(1);
        runner.run(context -> {
            SupervisorReadinessHealthIndicator readiness = context.getBean(SupervisorReadinessHealthIndicator.class);
            assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
            Supervisor root = context.getBean(Supervisor.class);
            root.<String, String>ref("billing").tell("first");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 10; i++) {
                root.<String, String>ref("billing").tell("queued " + i);
            }
            Health health = readiness.health();
            assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(notReady(health)).containsOnlyKeys("root/billing");
            assertThat(notReady(health).get("root/billing")).startsWith("mailbox above its readiness threshold");

            gate.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> readiness.health().getStatus().equals(Status.UP));
            assertThat(readiness.health().getDetails()).isEmpty();
        });
    }

    @Test
    void outOfServiceWhileAComponentWaitsForItsRestart() {
        runner.run(context -> {
            SupervisorReadinessHealthIndicator readiness = context.getBean(SupervisorReadinessHealthIndicator.class);
            context.getBean(Supervisor.class).<String, String>ref("flaky").tell("crash");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> readiness.health().getStatus().equals(Status.OUT_OF_SERVICE));
            assertThat(notReady(readiness.health())).containsExactly(Map.entry("root/flaky", "RESTARTING"));
            // the tree's own indicator stays UP: a restart is no reason to restart the instance
            assertThat(context.getBean(SupervisorHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> notReady(Health health) {
        return (Map<String, String>) health.getDetails().get("notReady");
    }
}
