package io.reactorsupervisor.samples.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The dashboard: a Spring Boot WebFlux application whose endpoints hand work to the supervised
 * order pipeline of {@link io.reactorsupervisor.samples.shop.Shop}, and whose page at
 * {@code http://localhost:8080/} shows the supervision tree live.
 *
 * <pre>
 * mvn -q -pl samples -am compile exec:java -Dexec.mainClass=io.reactorsupervisor.samples.web.DashboardApplication
 * </pre>
 *
 * <ul>
 *   <li>{@code GET /api/tree}: the tree snapshot as JSON, with restart windows, mailbox capacities
 *       and breaker failure rates;</li>
 *   <li>{@code GET /api/events}: the supervision events as Server-Sent Events (the recent ones first);</li>
 *   <li>{@code GET /api/metrics}: per-second rates of the tree's counters over the last 5 minutes,
 *       read from the application's meter registry; {@code GET /api/dead-letters}: the last dead
 *       letters; {@code GET /api/config}: whether the actions are enabled;</li>
 *   <li>{@code POST /api/orders} (text): an order line through the pipeline;
 *       {@code POST /api/parse} (text): the WebAssembly parser alone;
 *       {@code GET /api/quote/{sku}}: pricing through its circuit breaker;</li>
 *   <li>{@code POST /api/components/crash|hang?path=...}, {@code POST /api/children/restart?path=...},
 *       {@code POST /api/faults/pricing-outage?down=true|false}: chaos and recovery, the actions;
 *       refused (403) unless {@code reactor-supervisor.dashboard.actions-enabled=true} and the
 *       request carries the page's {@code X-Dashboard-Action: confirmed} header.</li>
 * </ul>
 */
@SpringBootApplication
public class DashboardApplication {

    /**
     * Starts the dashboard.
     *
     * @param args Spring Boot arguments, such as {@code --server.port=9090}
     */
    public static void main(String[] args) {
        SpringApplication.run(DashboardApplication.class, args);
    }
}
