package io.reactorsupervisor.samples.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the dashboard, under {@code dashboard.*}.
 *
 * @param askTimeout how long an endpoint waits for a component's reply before answering 504
 * @param feedInterval the time between two order lines of the background feed; zero turns it off
 * @param ingestMailbox the capacity of ingest's mailbox; beyond it, {@code POST /api/orders} answers 503
 */
@ConfigurationProperties("dashboard")
public record DashboardProperties(
        @DefaultValue("2s") Duration askTimeout,
        @DefaultValue("500ms") Duration feedInterval,
        @DefaultValue("256") int ingestMailbox) {
}
