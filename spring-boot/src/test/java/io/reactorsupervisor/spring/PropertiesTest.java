package io.reactorsupervisor.spring;

import static io.reactorsupervisor.spring.AutoConfigurationTest.bind;
import static io.reactorsupervisor.spring.AutoConfigurationTest.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.reactorsupervisor.ChildSpec;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartPolicy;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisionStrategy;
import io.reactorsupervisor.SupervisorSpec;

/** Each key of {@code reactor-supervisor.*} changes what it names, and a bad value names its key. */
class PropertiesTest {

    private static final List<ChildSpec> TREE = List.of(echo("billing"),
            SupervisorSpec.named("shop").strategy(SupervisionStrategy.REST_FOR_ONE).child(echo("orders")).build());

    private static SupervisorSpec root(String... pairs) {
        return ReactorSupervisorAutoConfiguration.rootSpec(bind(pairs), TREE, List.of());
    }

    private static ComponentSpec<?, ?> component(SupervisorSpec root, String path) {
        SupervisorSpec at = root;
        String[] names = path.split("/");
        for (int i = 0; i < names.length - 1; i++) {
            at = (SupervisorSpec) find(at, names[i]);
        }
        return (ComponentSpec<?, ?>) find(at, names[names.length - 1]);
    }

    private static ChildSpec find(SupervisorSpec at, String name) {
        return at.children().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void withoutPropertiesTheSpecsAreTheApplicationsOwn() {
        SupervisorSpec root = root();
        assertThat(component(root, "billing")).isSameAs(TREE.get(0));
        assertThat(((SupervisorSpec) find(root, "shop")).strategy()).isEqualTo(SupervisionStrategy.REST_FOR_ONE);
    }

    @Test
    void restartStrategies() {
        String p = "reactor-supervisor.components.billing.restart.";
        assertThat(component(root(p + "strategy=delayed", p + "delay=250ms"), "billing").restartStrategy())
                .isEqualTo(RestartStrategy.delayed(Duration.ofMillis(250)));
        assertThat(component(root(p + "strategy=immediate"), "billing").restartStrategy())
                .isEqualTo(RestartStrategy.immediate());
        assertThat(component(root(p + "strategy=exponential-backoff", p + "initial=100ms", p + "max=5s",
                p + "multiplier=3", p + "jitter=0.1", p + "reset-after=1m"), "billing").restartStrategy())
                .isEqualTo(RestartStrategy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(5), 3)
                        .withJitter(0.1).withResetAfter(Duration.ofMinutes(1)));
    }

    @Test
    void limitPolicyMailboxHealthCheckAndProcessingTimeout() {
        String p = "reactor-supervisor.components.billing.";
        ComponentSpec<?, ?> billing = component(root(p + "limit.max-restarts=4", p + "limit.within=30s",
                p + "policy=transient", p + "mailbox.capacity=64", p + "health-check.interval=5s",
                p + "health-check.timeout=2s", p + "health-check.unhealthy-after=2", p + "processing-timeout=3s"),
                "billing");
        assertThat(billing.restartLimit()).isEqualTo(RestartLimit.of(4, Duration.ofSeconds(30)));
        assertThat(billing.restartPolicy()).isEqualTo(RestartPolicy.TRANSIENT);
        assertThat(billing.mailbox()).isEqualTo(Mailbox.bounded(64));
        assertThat(billing.healthCheck()).isEqualTo(HealthCheck.every(Duration.ofSeconds(5))
                .withTimeout(Duration.ofSeconds(2)).withUnhealthyAfter(2));
        assertThat(billing.processingTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(component(root(p + "limit.unlimited=true", p + "mailbox.unbounded=true"), "billing"))
                .satisfies(c -> {
                    assertThat(c.restartLimit()).isEqualTo(RestartLimit.unlimited());
                    assertThat(c.mailbox()).isEqualTo(Mailbox.unbounded());
                });
    }

    @Test
    void defaultsApplyToEveryComponentAndAPathWinsOverThem() {
        SupervisorSpec root = root("reactor-supervisor.defaults.mailbox.capacity=100",
                "reactor-supervisor.defaults.policy=transient",
                "reactor-supervisor.components[shop/orders].mailbox.capacity=7");
        assertThat(component(root, "billing").mailbox()).isEqualTo(Mailbox.bounded(100));
        assertThat(component(root, "shop/orders").mailbox()).isEqualTo(Mailbox.bounded(7));
        assertThat(component(root, "shop/orders").restartPolicy()).isEqualTo(RestartPolicy.TRANSIENT);
        assertThat(find(root, "shop").restartPolicy()).isEqualTo(RestartPolicy.PERMANENT);
    }

    @Test
    void anOverriddenComponentKeepsItsHandlerAndState() {
        SupervisorSpec spec = root("reactor-supervisor.components.billing.mailbox.capacity=3");
        io.reactorsupervisor.Supervisor tree = spec.start();
        try {
            assertThat(tree.<String, String>ref("billing").ask("x").block(Duration.ofSeconds(5))).isEqualTo("x");
            assertThat(tree.<String, String>ref("billing").ask("y").block(Duration.ofSeconds(5))).isEqualTo("xy");
        } finally {
            tree.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    @Test
    void aSupervisorPathTakesRestartLimitAndPolicy() {
        SupervisorSpec shop = (SupervisorSpec) find(root("reactor-supervisor.components.shop.policy=transient",
                "reactor-supervisor.components.shop.limit.max-restarts=2",
                "reactor-supervisor.components.shop.limit.within=1s"), "shop");
        assertThat(shop.restartPolicy()).isEqualTo(RestartPolicy.TRANSIENT);
        assertThat(shop.restartLimit()).isEqualTo(RestartLimit.of(2, Duration.ofSeconds(1)));
        assertThat(shop.strategy()).isEqualTo(SupervisionStrategy.REST_FOR_ONE);
        assertThat(shop.children()).extracting(ChildSpec::name).containsExactly("orders");
    }

    @Test
    void badValuesNameTheirKey() {
        assertFails("reactor-supervisor.components.billing.mailbox.capacity", "capacity",
                "reactor-supervisor.components.billing.mailbox.capacity=0");
        assertFails("reactor-supervisor.components.billing.restart.delay", "required",
                "reactor-supervisor.components.billing.restart.strategy=delayed");
        assertFails("reactor-supervisor.defaults.restart.jitter", "jitter",
                "reactor-supervisor.defaults.restart.strategy=exponential-backoff",
                "reactor-supervisor.defaults.restart.initial=1s", "reactor-supervisor.defaults.restart.max=2s",
                "reactor-supervisor.defaults.restart.jitter=7");
        assertFails("reactor-supervisor.components[nope]", "names no child",
                "reactor-supervisor.components.nope.policy=temporary");
        assertFails("reactor-supervisor.components[shop]", "names a supervisor",
                "reactor-supervisor.components.shop.mailbox.capacity=5");
        assertFails("reactor-supervisor.components[billing].limit.within", "required",
                "reactor-supervisor.components.billing.limit.max-restarts=3");
        assertFails("reactor-supervisor.components[billing].limit.max-restarts", "unlimited",
                "reactor-supervisor.components.billing.limit.max-restarts=3",
                "reactor-supervisor.components.billing.limit.unlimited=true");
        assertFails("reactor-supervisor.components[billing].health-check.interval", "",
                "reactor-supervisor.components.billing.health-check.interval=1ms");
        assertFails("reactor-supervisor.components[billing].processing-timeout", "",
                "reactor-supervisor.components.billing.processing-timeout=-1s");
    }

    private static void assertFails(String key, String why, String... pairs) {
        String normalized = key.replace("components.billing", "components[billing]");
        assertThatThrownBy(() -> root(pairs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(normalized).hasMessageContaining(why);
    }
}
