package io.reactorsupervisor.spring;

import io.reactorsupervisor.SupervisorSpec;

/**
 * Changes the root's spec before the starter starts the tree: adds children the application
 * builds in code, sets the strategy or intensity. Customizers run in their {@code @Order},
 * after the {@code ComponentSpec} and {@code SupervisorSpec} beans were added as children and
 * before {@code reactor-supervisor.*} overrides are applied.
 */
@FunctionalInterface
public interface SupervisorCustomizer {

    /**
     * Customizes the root.
     *
     * @param root the root's builder, holding the spec beans as children
     */
    void customize(SupervisorSpec.Builder root);
}
