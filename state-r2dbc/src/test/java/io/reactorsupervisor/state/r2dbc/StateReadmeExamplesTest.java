package io.reactorsupervisor.state.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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

import com.fasterxml.jackson.databind.ObjectMapper;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.reactorsupervisor.CheckpointRule;
import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.Persistence;
import io.reactorsupervisor.StateCodec;
import io.reactorsupervisor.StateStore;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.Test;

/**
 * The examples of the README's "State that survives restarts", compiled and run. Each
 * {@code tag::name[]} region below appears in README.md, character for character after its
 * indentation is removed, under {@code <!-- state-snippet: name -->}.
 */
class StateReadmeExamplesTest {

    /** A shopping cart: the state of one component. */
    public static final class Cart {
        public List<String> items = new ArrayList<>();
    }

    // tag::jackson-codec[]
    /** The state as JSON, with Jackson. */
    static final class JsonCodec<S> implements StateCodec<S> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Class<S> type;

        JsonCodec(Class<S> type) {
            this.type = type;
        }

        @Override
        public byte[] encode(S state) {
            try {
                return JSON.writeValueAsBytes(state);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // this checkpoint is skipped; the component runs on
            }
        }

        @Override
        public S decode(byte[] bytes) {
            try {
                return JSON.readValue(bytes, type);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the start fails: a crash, counted against the checkpoint
            }
        }
    }
    // end::jackson-codec[]

    @Test
    void aCartSurvivesItsCrash() {
        // tag::persistent-cart[]
        ConnectionFactory db = ConnectionFactories.get("r2dbc:h2:mem:///shop?options=DB_CLOSE_DELAY=-1");
        StateStore store = R2dbcStateStore.create(db);   // or StateStore.inMemory()

        ComponentSpec<String, Integer> cart = ComponentSpec.<String, Integer, Cart>named("cart")
                .state(Cart::new)                        // when there is no checkpoint yet
                .syncHandler((c, item) -> {
                    if (item.isBlank()) {
                        throw new IllegalArgumentException("no item"); // a crash
                    }
                    c.items.add(item);
                    return c.items.size();
                })
                .persistent(Persistence.of(store, new JsonCodec<>(Cart.class))
                        .checkpoint(CheckpointRule.everyMessages(1))  // after each handled message
                        .discardAfter(3))        // a checkpoint that crashes it 3 times in a row is dropped
                .build();

        Supervisor root = Supervisor.named("shop").child(cart).start();
        ComponentRef<String, Integer> ref = root.ref(cart);
        ref.ask("apple").block(Duration.ofSeconds(5));              // 1, saved as version 1
        ref.tell(" ");                                              // crashes it
        Integer two = ref.ask("pear").block(Duration.ofSeconds(5)); // 2: it restarted from its checkpoint
        root.shutdown(Duration.ofSeconds(5)).block();
        // end::persistent-cart[]

        assertThat(two).isEqualTo(2);
        Cart saved = new JsonCodec<>(Cart.class).decode(store.load("shop/cart").block(Duration.ofSeconds(5)).bytes());
        assertThat(saved.items).containsExactly("apple", "pear");
    }

    @Test
    void theReadmeShowsExactlyTheseExamples() throws IOException {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        String readme = Files.readString(module.resolve("../README.md"), StandardCharsets.UTF_8);
        Map<String, String> regions = regions(Files.readString(
                module.resolve("src/test/java/io/reactorsupervisor/state/r2dbc/StateReadmeExamplesTest.java"),
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
            "<!-- state-snippet: ([a-z-]+) -->\\n```java\\n(.*?)```\\n", Pattern.DOTALL);

    private static Map<String, String> regions(String source) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher m = REGION.matcher(source);
        while (m.find()) {
            String body = m.group(2);
            int indent = Integer.MAX_VALUE;
            for (String line : body.split("\n")) {
                if (!line.isBlank()) {
                    indent = Math.min(indent, line.length() - line.stripLeading().length());
                }
            }
            StringBuilder out = new StringBuilder();
            for (String line : body.split("\n", -1)) {
                out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
            }
            regions.put(m.group(1), out.substring(0, out.length() - 1));
        }
        return regions;
    }
}
