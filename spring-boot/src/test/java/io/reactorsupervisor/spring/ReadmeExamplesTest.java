package io.reactorsupervisor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Supervisor;

/**
 * The README's "Spring Boot" example, run: each {@code tag::name[]} region below and
 * {@code src/test/resources/readme-example.yml} appear in README.md under
 * {@code <!-- spring-boot-snippet: name -->}, character for character.
 */
class ReadmeExamplesTest {

    // tag::spring-boot-app[]
    @SpringBootApplication
    static class BillingApplication {

        @Bean
        ComponentSpec<String, String> billing() {             // a bean: a child of the root
            return ComponentSpec.<String, String, List<String>>named("billing")
                    .state(ArrayList::new)
                    .syncHandler((ledger, order) -> {
                        ledger.add(order);
                        return "receipt " + ledger.size();
                    })
                    .build();
        }
    }

    @RestController
    static class Orders {

        private final ComponentRef<String, String> billing;

        Orders(Supervisor root) {                             // the started tree, a bean
            this.billing = root.ref("billing");
        }

        @PostMapping("/orders")
        Mono<String> order(@RequestBody String order) {
            return billing.ask(order);
        }
    }
    // end::spring-boot-app[]

    @Test
    void oneDependencyAndAFewLinesOfYamlGiveATreeWithHealthMetricsAndTheEndpoint() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BillingApplication.class,
                Orders.class).properties("spring.config.name=readme-example", "server.port=0").run()) {
            WebTestClient web = WebTestClient.bindToServer()
                    .baseUrl("http://localhost:" + context.getEnvironment().getProperty("local.server.port"))
                    .responseTimeout(Duration.ofSeconds(10)).build();
            web.post().uri("/orders").bodyValue("book").exchange().expectStatus().isOk().expectBody(String.class)
                    .isEqualTo("receipt 1");
            web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
            web.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.components.reactorSupervisor.status").isEqualTo("UP");
            web.get().uri("/actuator/supervision/billing").exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.handled").isEqualTo(1);
            web.get().uri("/actuator/metrics/reactor.supervisor.component.handled?tag=component:root/billing")
                    .exchange().expectStatus().isOk().expectBody().jsonPath("$.measurements[0].value").isEqualTo(1.0);
            web.get().uri("/actuator/metrics/reactor.supervisor.component.mailbox.capacity?tag=component:root/billing")
                    .exchange().expectStatus().isOk().expectBody().jsonPath("$.measurements[0].value")
                    .isEqualTo(1000.0);                      // the YAML's override, applied
        }
    }

    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- spring-boot-snippet: ([a-z-]+) -->\\n```(?:java|yaml)\\n(.*?)```\\n", Pattern.DOTALL);

    @Test
    void theReadmeShowsExactlyThisExample() throws IOException {
        Path module = Paths.get("").toAbsolutePath();
        String readme = Files.readString(module.resolve("../README.md"), StandardCharsets.UTF_8);
        Map<String, String> snippets = new LinkedHashMap<>();
        Matcher m = SNIPPET.matcher(readme);
        while (m.find()) {
            snippets.put(m.group(1), m.group(2));
        }
        String source = Files.readString(module.resolve(
                "src/test/java/io/reactorsupervisor/spring/ReadmeExamplesTest.java"), StandardCharsets.UTF_8);
        assertThat(snippets).containsOnlyKeys("spring-boot-app", "spring-boot-yaml");
        assertThat(snippets.get("spring-boot-app")).isEqualTo(region(source, "spring-boot-app"));
        assertThat(snippets.get("spring-boot-yaml")).isEqualTo(Files.readString(
                module.resolve("src/test/resources/readme-example.yml"), StandardCharsets.UTF_8));
    }

    private static String region(String source, String name) {
        int start = source.indexOf("// tag::" + name + "[]\n") + ("// tag::" + name + "[]\n").length();
        int end = source.indexOf("    // end::" + name + "[]");
        StringBuilder out = new StringBuilder();
        for (String line : source.substring(start, end).split("\n", -1)) {
            out.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }
}
