package io.reactorsupervisor.spring;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.core.env.Environment;

/**
 * Adds the tree's readiness contributor to Actuator's {@code readiness} group, unless the
 * application chose the group's members itself
 * ({@code management.endpoint.health.group.readiness.include}), and leaves it out of the primary
 * group ({@code /actuator/health}), unless the application chose that group's members itself
 * ({@code management.endpoint.health.include}): a backlog, a restart or a child given up in
 * degraded mode is a reason to send traffic elsewhere, not to report the whole application out of
 * service to whatever watches {@code /actuator/health}.
 *
 * <p>Boot's availability probes post-process the groups too, with the same (lowest) precedence, so
 * either may run first: when the readiness group does not exist yet and the probes are enabled,
 * this creates it as the probes would ({@code readinessState}, default aggregation and HTTP
 * mapping, components hidden) plus the tree's contributor; the probes then find the group and only
 * give it its additional path ({@code /readyz}) when asked to.
 */
final class ReadinessGroupMembership implements HealthEndpointGroupsPostProcessor {

    /** The property by which an application chooses the readiness group's members itself. */
    static final String INCLUDE = "management.endpoint.health.group.readiness.include";

    /** Whether Boot adds the liveness and readiness groups (by default it does). */
    static final String PROBES = "management.endpoint.health.probes.enabled";

    /** The property by which an application chooses the primary group's members itself. */
    static final String PRIMARY_INCLUDE = "management.endpoint.health.include";

    private final String member;
    private final Environment environment;

    ReadinessGroupMembership(String member, Environment environment) {
        this.member = member;
        this.environment = environment;
    }

    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        boolean probes = environment.getProperty(PROBES, Boolean.class, true);
        boolean addToReadiness = !environment.containsProperty(INCLUDE)
                && (groups.get("readiness") != null || probes);
        boolean keepInPrimary = environment.containsProperty(PRIMARY_INCLUDE);
        if (!addToReadiness && keepInPrimary) {
            return groups;
        }
        Map<String, HealthEndpointGroup> additional = new LinkedHashMap<>();
        for (String name : groups.getNames()) {
            HealthEndpointGroup group = groups.get(name);
            if (group != null) {
                additional.put(name, addToReadiness && name.equals("readiness") ? new Membership(group, member, true)
                        : group);
            }
        }
        if (addToReadiness && !additional.containsKey("readiness")) {
            additional.put("readiness", new Membership(new ProbeGroup("readinessState"), member, true));
        }
        HealthEndpointGroup primary = groups.getPrimary();
        return HealthEndpointGroups.of(keepInPrimary ? primary : new Membership(primary, member, false), additional);
    }

    /** A group with one member more ({@code in}) or less. */
    private record Membership(HealthEndpointGroup group, String member, boolean in) implements HealthEndpointGroup {

        @Override
        public boolean isMember(String name) {
            return member.equals(name) ? in : group.isMember(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return group.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return group.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return group.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return group.getHttpCodeStatusMapper();
        }

        @Override
        public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
            return group.getAdditionalPath();
        }
    }

    /** The readiness group as Boot's availability probes make it, when this runs before them. */
    private record ProbeGroup(String state) implements HealthEndpointGroup {

        @Override
        public boolean isMember(String name) {
            return state.equals(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return false;
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return false;
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
        public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
            return null;
        }
    }
}
