package io.reactorsupervisor.samples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;

import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.EntitiesSpec;
import io.reactorsupervisor.Supervisor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The page's tree with a set of keyed components in it: one node with the set's counts, no node per key. */
class TreeViewTest {

    private static final ComponentSpec<String, String> ECHO = ComponentSpec.<String, String, Object>named("session")
            .state(Object::new).handler((s, m) -> Mono.just(m)).build();

    private Supervisor root;

    @AfterEach
    void shutDown() {
        if (root != null) {
            root.shutdown(Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
        }
    }

    @Test
    void aSetIsOneNodeWithItsCounts() {
        EntitiesSpec<String, String, String> sessions = EntitiesSpec.named("sessions", String.class, ECHO)
                .maxActive(10).build();
        EntitiesSpec<String, String, String> carts = EntitiesSpec.named("carts", String.class, ECHO).build();
        root = Supervisor.named("shop").child(ECHO).entities(sessions).entities(carts).start();
        root.started().block(Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertThat(root.entities(sessions).ref("k" + i).ask("m").block(Duration.ofSeconds(5))).isEqualTo("m");
        }

        TreeView tree = TreeView.of(root.snapshot(), Set.of());

        assertThat(tree.children()).extracting(TreeView::kind).containsExactly("component", "entities", "entities");
        TreeView set = tree.children().get(1);
        assertThat(set.path()).isEqualTo("shop/sessions");
        assertThat(set.state()).isEqualTo("RUNNING");
        assertThat(set.children()).isNull();
        assertThat(set.mailboxDepth()).isNull();
        assertThat(set.entities()).isEqualTo(new TreeView.EntitiesView(3, 0, 0, 0, 10, 3, 0));
        assertThat(tree.children().get(2).entities()).isEqualTo(new TreeView.EntitiesView(0, 0, 0, 0, null, 0, 0));
        assertThat(tree.children().get(0).entities()).isNull();
    }
}
