package io.reactorsupervisor.samples.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Whether the dashboard may change the tree, under {@code reactor-supervisor.dashboard.*}.
 *
 * @param actionsEnabled whether the crash, hang and restart actions (and the pricing outage
 *     switch) work; off by default, so that a dashboard deployed beside a real tree only looks.
 *     When off, the page disables their buttons and the server answers their endpoints with 403
 */
@ConfigurationProperties("reactor-supervisor.dashboard")
public record ActionsProperties(@DefaultValue("false") boolean actionsEnabled) {
}
