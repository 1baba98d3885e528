package io.reactorsupervisor.spring;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.reactorsupervisor.ChildSpec;
import io.reactorsupervisor.ComponentSpec;
import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.Mailbox;
import io.reactorsupervisor.RestartLimit;
import io.reactorsupervisor.RestartStrategy;
import io.reactorsupervisor.SupervisorSpec;

/**
 * Applies {@code reactor-supervisor.defaults} and {@code reactor-supervisor.components.<path>}
 * to a tree of specs, rebuilding the specs it changes. A value out of range, or a path that
 * names nothing, fails with the key.
 */
final class Overrides {

    private static final String PREFIX = "reactor-supervisor.";

    private final SupervisorProperties properties;
    private final Set<String> used = new HashSet<>();

    Overrides(SupervisorProperties properties) {
        this.properties = properties;
    }

    /** The root spec with every override applied. */
    SupervisorSpec apply(SupervisorSpec root) {
        SupervisorSpec result = rebuild(root, "", false);
        for (String path : properties.components().keySet()) {
            if (!used.contains(path)) {
                throw new IllegalArgumentException(componentKey(path) + " names no child of the tree (paths are "
                        + "relative to the root, such as 'billing' or 'shop/billing'; children: " + paths(root, "")
                        + ")");
            }
        }
        return result;
    }

    private SupervisorSpec rebuild(SupervisorSpec spec, String path, boolean applySelf) {
        SupervisorSpec.Builder b = SupervisorSpec.named(spec.name()).strategy(spec.strategy())
                .intensity(spec.intensity()).restart(spec.restartStrategy()).limit(spec.restartLimit())
                .policy(spec.restartPolicy());
        if (spec.maxChildren() != Integer.MAX_VALUE) {
            b.maxChildren(spec.maxChildren());
        }
        if (spec.escalates()) {
            b.escalateOnFailure();
        }
        if (applySelf) {
            SupervisorProperties.Settings own = properties.components().get(path);
            if (own != null) {
                used.add(path);
                String key = componentKey(path);
                if (!own.supervisorOnly()) {
                    throw new IllegalArgumentException(key + " names a supervisor: only restart, limit and policy "
                            + "apply to it (mailbox, health-check and processing-timeout belong to components)");
                }
                if (own.restart() != null) {
                    b.restart(restart(own.restart(), key + ".restart"));
                }
                if (own.limit() != null) {
                    b.limit(limit(own.limit(), key + ".limit"));
                }
                if (own.policy() != null) {
                    b.policy(own.policy());
                }
            }
        }
        for (ChildSpec child : spec.children()) {
            String childPath = path.isEmpty() ? child.name() : path + "/" + child.name();
            if (child instanceof SupervisorSpec s && s.entities() != null) {
                if (properties.components().containsKey(childPath)) {
                    throw new IllegalArgumentException(componentKey(childPath) + " names a set of keyed components: "
                            + "configure it, and its keys, in its EntitiesSpec");
                }
                b.child(s); // a set: kept as it is (rebuilt as a plain supervisor, it would lose its keys)
            } else if (child instanceof SupervisorSpec s) {
                b.child(rebuild(s, childPath, true));
            } else {
                b.child(component((ComponentSpec<?, ?>) child, childPath));
            }
        }
        return b.build();
    }

    private ComponentSpec<?, ?> component(ComponentSpec<?, ?> spec, String path) {
        SupervisorProperties.Settings own = properties.components().get(path);
        if (own != null) {
            used.add(path);
        }
        if (isEmpty(properties.defaults()) && own == null) {
            return spec;
        }
        ComponentSpec.Builder<?, ?, Object> b = spec.toBuilder();
        settle(b, properties.defaults(), PREFIX + "defaults");
        if (own != null) {
            settle(b, own, componentKey(path));
        }
        String key = own != null ? componentKey(path) : PREFIX + "defaults";
        return Keys.apply(key, b::build);
    }

    private static void settle(ComponentSpec.Builder<?, ?, Object> b, SupervisorProperties.Settings s, String key) {
        if (s.restart() != null) {
            b.restart(restart(s.restart(), key + ".restart"));
        }
        if (s.limit() != null) {
            b.limit(limit(s.limit(), key + ".limit"));
        }
        if (s.policy() != null) {
            b.policy(s.policy());
        }
        if (s.mailbox() != null) {
            b.mailbox(mailbox(s.mailbox(), key + ".mailbox"));
        }
        if (s.healthCheck() != null) {
            b.healthCheck(healthCheck(s.healthCheck(), key + ".health-check"));
        }
        Duration timeout = s.processingTimeout();
        if (timeout != null) {
            Keys.apply(key + ".processing-timeout", () -> b.processingTimeout(timeout));
        }
    }

    static RestartStrategy restart(SupervisorProperties.Restart r, String key) {
        SupervisorProperties.Kind kind = Keys.require(r.strategy(), key + ".strategy",
                "(immediate, delayed or exponential-backoff)");
        RestartStrategy strategy = switch (kind) {
            case IMMEDIATE -> {
                refuse(r.delay(), key + ".delay", "immediate");
                refuse(r.initial(), key + ".initial", "immediate");
                refuse(r.max(), key + ".max", "immediate");
                yield RestartStrategy.immediate();
            }
            case DELAYED -> {
                Duration delay = Keys.require(r.delay(), key + ".delay", "for strategy delayed");
                refuse(r.initial(), key + ".initial", "delayed");
                refuse(r.max(), key + ".max", "delayed");
                yield Keys.apply(key + ".delay", () -> RestartStrategy.delayed(delay));
            }
            case EXPONENTIAL_BACKOFF -> {
                Duration initial = Keys.require(r.initial(), key + ".initial", "for strategy exponential-backoff");
                Duration max = Keys.require(r.max(), key + ".max", "for strategy exponential-backoff");
                refuse(r.delay(), key + ".delay", "exponential-backoff");
                double multiplier = r.multiplier() == null ? 2.0 : r.multiplier();
                yield Keys.apply(key, () -> RestartStrategy.exponentialBackoff(initial, max, multiplier));
            }
        };
        if (r.jitter() != null) {
            RestartStrategy s = strategy;
            strategy = Keys.apply(key + ".jitter", () -> s.withJitter(r.jitter()));
        }
        if (r.resetAfter() != null) {
            RestartStrategy s = strategy;
            strategy = Keys.apply(key + ".reset-after", () -> s.withResetAfter(r.resetAfter()));
        }
        return strategy;
    }

    static RestartLimit limit(SupervisorProperties.Limit l, String key) {
        if (l.unlimited()) {
            refuse(l.maxRestarts(), key + ".max-restarts", "unlimited: true");
            refuse(l.within(), key + ".within", "unlimited: true");
            return RestartLimit.unlimited();
        }
        int max = Keys.require(l.maxRestarts(), key + ".max-restarts", "(or unlimited: true)");
        Duration within = Keys.require(l.within(), key + ".within", "with max-restarts");
        return Keys.apply(key, () -> RestartLimit.of(max, within));
    }

    static Mailbox mailbox(SupervisorProperties.MailboxSettings m, String key) {
        if (m.unbounded()) {
            refuse(m.capacity(), key + ".capacity", "unbounded: true");
            return Mailbox.unbounded();
        }
        int capacity = Keys.require(m.capacity(), key + ".capacity", "(or unbounded: true)");
        return Keys.apply(key + ".capacity", () -> Mailbox.bounded(capacity));
    }

    static HealthCheck healthCheck(SupervisorProperties.HealthCheckSettings h, String key) {
        Duration interval = Keys.require(h.interval(), key + ".interval", "for a health check");
        HealthCheck check = Keys.apply(key + ".interval", () -> HealthCheck.every(interval));
        Duration timeout = h.timeout();
        if (timeout != null) {
            HealthCheck c = check;
            check = Keys.apply(key + ".timeout", () -> c.withTimeout(timeout));
        }
        Integer after = h.unhealthyAfter();
        if (after != null) {
            HealthCheck c = check;
            check = Keys.apply(key + ".unhealthy-after", () -> c.withUnhealthyAfter(after));
        }
        return check;
    }

    private static void refuse(@Nullable Object value, String key, String strategy) {
        if (value != null) {
            throw new IllegalArgumentException(key + " does not apply to " + strategy + ", was " + value);
        }
    }

    private static boolean isEmpty(SupervisorProperties.Settings s) {
        return s.restart() == null && s.limit() == null && s.policy() == null && s.supervisorOnly();
    }

    private static String componentKey(String path) {
        return PREFIX + "components[" + path + "]";
    }

    private static String paths(SupervisorSpec spec, String path) {
        StringBuilder out = new StringBuilder();
        for (ChildSpec child : spec.children()) {
            String p = path.isEmpty() ? child.name() : path + "/" + child.name();
            out.append(out.length() == 0 ? "" : ", ").append(p);
            if (child instanceof SupervisorSpec s && !s.children().isEmpty()) {
                out.append(", ").append(paths(s, p));
            }
        }
        return out.length() == 0 ? "none" : out.toString();
    }

}
