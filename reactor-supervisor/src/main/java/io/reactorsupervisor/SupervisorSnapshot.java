package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A supervisor and, recursively, its children at the moment of a snapshot, for people
 * ({@link #render()}) and dashboards.
 *
 * @param name the supervisor's name
 * @param path its path in its tree
 * @param strategy its supervision strategy
 * @param state its lifecycle state
 * @param restarts how many times it was restarted in all by its parent
 * @param uptime how long its current incarnation has run
 * @param children its children in start order
 */
public record SupervisorSnapshot(String name, String path, SupervisionStrategy strategy, ComponentState state,
        long restarts, Duration uptime, List<ChildSnapshot> children) implements ChildSnapshot {

    /**
     * Copies the child list, so that a snapshot never changes.
     *
     * @param name the supervisor's name
     * @param path its path in its tree
     * @param strategy its supervision strategy
     * @param state its lifecycle state
     * @param restarts how many times it was restarted in all by its parent
     * @param uptime how long its current incarnation has run
     * @param children its children in start order
     */
    public SupervisorSnapshot {
        children = List.copyOf(children);
    }

    @Override
    public String kind() {
        return "supervisor";
    }

    /**
     * Counts the direct children by state, as Erlang/OTP's {@code count_children}.
     *
     * @return how many direct children are in each state; states without children are absent
     */
    public Map<ComponentState, Integer> countByState() {
        Map<ComponentState, Integer> counts = new EnumMap<>(ComponentState.class);
        for (ChildSnapshot child : children) {
            counts.merge(child.state(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * The readiness of this subtree at the moment of the snapshot (see {@link Readiness}).
     *
     * @return ready when this supervisor and every descendant that counts are ready, with the
     *     reason of each one that is not
     */
    public Readiness readiness() {
        return readinessOf(this);
    }

    /** The readiness of a subtree, or of one set of keyed components. */
    static Readiness readinessOf(ChildSnapshot top) {
        Map<String, String> notReady = new LinkedHashMap<>();
        collectNotReady(top, notReady);
        return new Readiness(notReady.isEmpty(), notReady);
    }

    /** In start order, depth first, with a stack of its own: a tree of any depth, no recursion. */
    private static void collectNotReady(ChildSnapshot top, Map<String, String> notReady) {
        ArrayDeque<ChildSnapshot> pending = new ArrayDeque<>();
        pending.push(top);
        while (!pending.isEmpty()) {
            ChildSnapshot node = pending.pop();
            ComponentState s = node.state();
            if (s == ComponentState.STOPPED) {
                continue; // ended on purpose: it takes no traffic and is not expected to
            }
            if (s != ComponentState.RUNNING) {
                notReady.put(node.path(), s.name());
            } else if (node instanceof ComponentSnapshot && !((ComponentSnapshot) node).ready()) {
                notReady.put(node.path(), "mailbox above its readiness threshold ("
                        + ((ComponentSnapshot) node).mailboxDepth() + " waiting)");
            } else if (node instanceof EntitiesSnapshot) {
                EntitiesSnapshot set = (EntitiesSnapshot) node; // its active keys, as any component
                notReady.putAll(set.notReady());
                if (set.notReadyKeys() > set.notReady().size()) {
                    notReady.put(set.path(), set.notReadyKeys() + " keys not ready, " + set.notReady().size()
                            + " listed");
                }
            }
            if (node instanceof SupervisorSnapshot) {
                List<ChildSnapshot> children = ((SupervisorSnapshot) node).children();
                for (int i = children.size() - 1; i >= 0; i--) {
                    pending.push(children.get(i));
                }
            }
        }
    }

    /**
     * Finds a descendant by its path relative to this supervisor ({@code "api/billing"}).
     *
     * @param relativePath names separated by '/'
     * @return the child's snapshot
     * @throws IllegalArgumentException if no such child exists
     */
    public ChildSnapshot child(String relativePath) {
        SupervisorSnapshot current = this;
        String[] names = relativePath.split("/", -1); // a trailing '/' names no child, as in Supervisor.ref
        for (int i = 0; i < names.length; i++) {
            ChildSnapshot found = null;
            for (ChildSnapshot c : current.children) {
                if (c.name().equals(names[i])) {
                    found = c;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("no child '" + relativePath + "' under '" + path + "'");
            }
            if (i == names.length - 1) {
                return found;
            }
            if (!(found instanceof SupervisorSnapshot)) {
                throw new IllegalArgumentException("no child '" + relativePath + "' under '" + path + "'");
            }
            current = (SupervisorSnapshot) found;
        }
        throw new IllegalArgumentException("no child '" + relativePath + "' under '" + path + "'");
    }

    /**
     * A readable rendering of the tree, one child a line, for example:
     * <pre>
     * root [supervisor ONE_FOR_ONE] RUNNING restarts=0 uptime=12 s
     * ├─ billing [component] RUNNING restarts=2 mailbox=0 handled=40 dead=1 uptime=3 s
     * └─ api [supervisor REST_FOR_ONE] RUNNING restarts=0 uptime=12 s
     *    └─ parser [component] RESTARTING restarts=1 mailbox=3 handled=7 dead=0 uptime=0 s
     * </pre>
     * Uptimes are written as people write durations ({@code 250 ms}, {@code 1.5 s},
     * {@code 2 min 30 s}), not in ISO-8601.
     *
     * @return the text, lines separated by '\n'
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        // depth first in start order, with a stack of its own: a tree of any depth, no recursion
        ArrayDeque<Line> pending = new ArrayDeque<>();
        pending.push(new Line(this, "", ""));
        while (!pending.isEmpty()) {
            Line line = pending.pop();
            render(line.node(), line.firstPrefix(), sb);
            if (line.node() instanceof SupervisorSnapshot) {
                List<ChildSnapshot> children = ((SupervisorSnapshot) line.node()).children();
                for (int i = children.size() - 1; i >= 0; i--) {
                    boolean last = i == children.size() - 1;
                    pending.push(new Line(children.get(i), line.prefix() + (last ? "└─ " : "├─ "),
                            line.prefix() + (last ? "   " : "│  ")));
                }
            }
        }
        return sb.toString();
    }

    /** One line to render: the node, what precedes it, and what precedes its children. */
    private record Line(ChildSnapshot node, String firstPrefix, String prefix) {
    }

    private static void render(ChildSnapshot node, String firstPrefix, StringBuilder sb) {
        sb.append(firstPrefix).append(node.name()).append(" [").append(node.kind());
        if (node instanceof SupervisorSnapshot) {
            sb.append(' ').append(((SupervisorSnapshot) node).strategy());
        }
        sb.append("] ").append(node.state()).append(" restarts=").append(node.restarts());
        if (node instanceof ComponentSnapshot) {
            ComponentSnapshot c = (ComponentSnapshot) node;
            sb.append(" mailbox=").append(c.mailboxDepth()).append(" handled=").append(c.handled())
                    .append(" dead=").append(c.deadLetters());
            if (!c.ready() && c.state() == ComponentState.RUNNING) {
                sb.append(" not-ready");
            }
            if (c.lastDirective() != null && c.lastDirective() != Directive.RESTART) {
                sb.append(" last-directive=").append(c.lastDirective());
            }
            c.circuitBreakers().forEach((breaker, state) -> sb.append(" breaker:").append(breaker).append('=')
                    .append(state));
        }
        if (node instanceof EntitiesSnapshot) {
            EntitiesSnapshot e = (EntitiesSnapshot) node;
            sb.append(" active=").append(e.active()).append(" passivating=").append(e.passivating())
                    .append(" restarting=").append(e.restarting()).append(" waiting=").append(e.waiting())
                    .append(" activations=").append(e.activations()).append(" passivations=")
                    .append(e.passivations());
        }
        sb.append(" uptime=").append(Durations.human(node.uptime())).append('\n');
    }
}
