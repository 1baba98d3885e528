package io.reactorsupervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The examples of the README's "Keyed components" section, compiled and run. Each
 * {@code tag::name[]} region below appears in README.md, character for character after its
 * indentation is removed, under {@code <!-- keyed-snippet: name -->};
 * {@link #theReadmeShowsExactlyTheseExamples()} checks it.
 */
class EntitiesReadmeExamplesTest {

    /** An order's running total: the state of one keyed component. */
    static final class Cart {
        long total;

        Mono<Long> add(long amount) {
            total += amount;
            return Mono.just(total);
        }
    }

    record AddItem(String cartId, long amount) {
    }

    @Test
    void keyedComponents() {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            keyedComponentsExample();
        } finally {
            System.setOut(out);
        }
        // the README shows the output: the set as one line, however many keys it holds
        assertThat(printed.toString(StandardCharsets.UTF_8)).matches(
                "shop \\[supervisor ONE_FOR_ONE\\] RUNNING restarts=0 uptime=[^\\n]+\\n"
                + "└─ carts \\[entities\\] RUNNING restarts=0 active=1 passivating=0 restarting=0 waiting=0 "
                + "activations=2 passivations=1 uptime=[^\\n]+\\n");
    }

    private static void keyedComponentsExample() {
        // tag::keyed-components[]
        ComponentSpec<AddItem, Long> cart = ComponentSpec.<AddItem, Long, Cart>named("cart")
                .state(Cart::new)                                   // each key's own state
                .handler((c, item) -> c.add(item.amount()))
                .restart(RestartStrategy.delayed(Duration.ofMillis(100)))
                .build();
        EntitiesSpec<String, AddItem, Long> carts = EntitiesSpec.named("carts", String.class, cart)
                .idleTimeout(Duration.ofMinutes(30))                // passivated after 30 min without a message
                .maxActive(10_000)                                  // full: the least recently used idle one goes
                .build();

        Supervisor root = Supervisor.named("shop").entities(carts).start();
        Entities<String, AddItem, Long> byId = root.entities(carts);

        byId.ref("c-42").tell(new AddItem("c-42", 5));             // starts shop/carts/c-42
        Long total = byId.ref("c-42").ask(new AddItem("c-42", 7)).block(Duration.ofSeconds(1)); // 12
        Boolean passivated = byId.passivate("c-42").block(Duration.ofSeconds(1)); // stopped, memory released
        Long fresh = byId.ref("c-42").ask(new AddItem("c-42", 1)).block(Duration.ofSeconds(1)); // 1: started again
        System.out.print(root.snapshot().render());
        root.shutdown(Duration.ofSeconds(5)).block();
        // end::keyed-components[]

        assertThat(total).isEqualTo(12);
        assertThat(passivated).isTrue();
        assertThat(fresh).isEqualTo(1);
    }

    @Test
    void backPressure() {
        ComponentSpec<AddItem, Long> cart = ComponentSpec.<AddItem, Long, Cart>named("cart")
                .state(Cart::new)
                .handler((c, item) -> c.add(item.amount()))
                .build();
        EntitiesSpec<String, AddItem, Long> carts = EntitiesSpec.named("carts", String.class, cart)
                .maxActive(100)
                .build();
        Supervisor root = Supervisor.named("shop").entities(carts).start();
        Entities<String, AddItem, Long> byId = root.entities(carts);
        Flux<AddItem> items = Flux.range(0, 10_000).map(i -> new AddItem("c-" + i, 1));
        // tag::keyed-back-pressure[]
        long handled = items
                .flatMap(item -> byId.ref(item.cartId()).ask(item), 256) // at most 256 waiting at once
                .count()
                .block(Duration.ofMinutes(1));
        // end::keyed-back-pressure[]
        assertThat(handled).isEqualTo(10_000);
        assertThat(byId.snapshot().activations()).isEqualTo(10_000);
        root.shutdown(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }

    @Test
    void theReadmeShowsExactlyTheseExamples() throws IOException {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        String readme = Files.readString(module.resolve("../README.md"), StandardCharsets.UTF_8);
        Map<String, String> regions = regions(Files.readString(
                module.resolve("src/test/java/io/reactorsupervisor/EntitiesReadmeExamplesTest.java"),
                StandardCharsets.UTF_8));
        Map<String, String> snippets = new LinkedHashMap<>();
        Matcher m = SNIPPET.matcher(readme);
        while (m.find()) {
            snippets.put(m.group(1), m.group(2));
        }
        assertThat(snippets.keySet()).containsExactlyInAnyOrderElementsOf(regions.keySet());
        regions.forEach((name, code) -> assertThat(snippets.get(name)).as("README snippet '%s'", name).isEqualTo(code));
    }

    private static final Pattern REGION = Pattern.compile(
            "(?m)^[ \\t]*// tag::([a-z-]+)\\[\\]\\n(.*?)^[ \\t]*// end::\\1\\[\\]\\n", Pattern.DOTALL);
    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- keyed-snippet: ([a-z-]+) -->\\n```java\\n(.*?)```\\n", Pattern.DOTALL);

    /** The tagged regions of a source file, their common indentation removed. */
    private static Map<String, String> regions(String source) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher m = REGION.matcher(source);
        while (m.find()) {
            String[] lines = m.group(2).split("\n", -1);
            int indent = Integer.MAX_VALUE;
            for (String line : lines) {
                if (!line.isBlank()) {
                    indent = Math.min(indent, line.length() - line.stripLeading().length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < lines.length - 1; i++) {
                sb.append(lines[i].isBlank() ? "" : lines[i].substring(indent)).append('\n');
            }
            regions.put(m.group(1), sb.toString());
        }
        return regions;
    }
}
