package io.reactorsupervisor.samples.shop;

import java.time.Duration;
import java.util.Objects;

import io.reactorsupervisor.HealthCheck;
import io.reactorsupervisor.RestartLimit;

/**
 * The timings of the shop: how fast things restart and how quickly hangs and outages are
 * noticed. The demo wants everything to happen within seconds; the dashboard wants restarts
 * slow enough to watch.
 *
 * <p>A health check measures progress: it fails when the message in progress at its start is
 * still in progress a timeout later, or when messages wait and none was taken within the
 * timeout. One message that runs longer than the timeout can fail a check; a backlog whose
 * messages each end within it never does.
 * Ingest and price wait on other components, but never longer than {@code callTimeout} for one
 * message: ingest's ask to parse times out, and price's call to pricing goes through a time
 * limiter, then the list-price fallback. So while pricing waits out its restart backoff, each of
 * price's messages ends within {@code callTimeout} (however many wait behind it), and a
 * {@code callerHealth} timeout longer than that never takes the wait for a hang.
 *
 * @param restartBackoff the first restart delay of store, price, parse and ingest (doubling
 *     on crashes in a row, up to eight times this)
 * @param pricingBackoff the first restart delay of pricing (doubling on crashes in a row, up to
 *     eight times this)
 * @param pricingLimit the restart limit of pricing: past it, pricing is FAILED
 * @param storeHealth the liveness check of store, which the demo hangs
 * @param callerHealth the liveness check of ingest and price, which wait on other components:
 *     its timeout must be longer than {@code callTimeout}, the longest one message of theirs
 *     waits, or a legitimate wait looks like a hang
 * @param callTimeout how long ingest waits for parse, and price for pricing, for one message
 * @param breakerWaitInOpen how long the pricing breaker stays OPEN before it lets trial calls through
 * @param ingestMailbox the capacity of ingest's mailbox
 */
public record ShopSettings(Duration restartBackoff, Duration pricingBackoff, RestartLimit pricingLimit,
        HealthCheck storeHealth, HealthCheck callerHealth, Duration callTimeout, Duration breakerWaitInOpen,
        int ingestMailbox) {

    /** Checks the settings. */
    public ShopSettings {
        Objects.requireNonNull(restartBackoff, "restartBackoff");
        Objects.requireNonNull(pricingBackoff, "pricingBackoff");
        Objects.requireNonNull(pricingLimit, "pricingLimit");
        Objects.requireNonNull(storeHealth, "storeHealth");
        Objects.requireNonNull(callerHealth, "callerHealth");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(breakerWaitInOpen, "breakerWaitInOpen");
        if (callerHealth.timeout().compareTo(callTimeout) <= 0) {
            throw new IllegalArgumentException("callerHealth timeout must be longer than callTimeout (" + callTimeout
                    + "), but was " + callerHealth.timeout());
        }
        if (ingestMailbox < 1) {
            throw new IllegalArgumentException("ingestMailbox must be at least 1, but was " + ingestMailbox);
        }
    }

    /** @return the demo's timings: fast restarts, a hang noticed within about a second */
    public static ShopSettings demo() {
        return new ShopSettings(
                Duration.ofMillis(200),
                Duration.ofMillis(100),
                RestartLimit.of(3, Duration.ofSeconds(10)),
                HealthCheck.every(Duration.ofMillis(250)).withTimeout(Duration.ofMillis(250)).withUnhealthyAfter(2),
                HealthCheck.every(Duration.ofSeconds(1)).withTimeout(Duration.ofSeconds(3)).withUnhealthyAfter(2),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                256);
    }

    /** @return the dashboard's timings: restarts that take 1.5 s, slow enough to watch */
    public static ShopSettings dashboard() {
        return new ShopSettings(
                Duration.ofMillis(1500),
                Duration.ofMillis(1500),
                RestartLimit.of(3, Duration.ofSeconds(30)),
                HealthCheck.every(Duration.ofMillis(500)).withTimeout(Duration.ofMillis(500)).withUnhealthyAfter(2),
                HealthCheck.every(Duration.ofSeconds(1)).withTimeout(Duration.ofSeconds(3)).withUnhealthyAfter(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                256);
    }

    /**
     * @param capacity the capacity of ingest's mailbox
     * @return a copy with this capacity
     */
    public ShopSettings withIngestMailbox(int capacity) {
        return new ShopSettings(restartBackoff, pricingBackoff, pricingLimit, storeHealth, callerHealth, callTimeout,
                breakerWaitInOpen, capacity);
    }
}
