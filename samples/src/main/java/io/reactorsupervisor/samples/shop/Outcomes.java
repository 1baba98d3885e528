package io.reactorsupervisor.samples.shop;

import java.util.concurrent.atomic.LongAdder;

/** What happened to the orders, as the business sees it. */
public final class Outcomes {

    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder quarantined = new LongAdder();
    private final LongAdder priced = new LongAdder();
    private final LongAdder degraded = new LongAdder();
    private final LongAdder refusedByStore = new LongAdder();

    /** @return orders ingest handed on to price */
    public long accepted() {
        return accepted.sum();
    }

    /**
     * @return order lines parse found invalid: an {@code ERR} reply, or a line too long, which
     *     parse rejects without restarting ({@link OrderLineTooLongException})
     */
    public long rejected() {
        return rejected.sum();
    }

    /**
     * @return order lines that crashed parse (its poison), or that parse could not take (stopped,
     *     mailbox full, no reply in time)
     */
    public long quarantined() {
        return quarantined.sum();
    }

    /** @return orders price priced and handed on to store */
    public long priced() {
        return priced.sum();
    }

    /** @return orders priced at the list price because pricing was unavailable (degraded mode) */
    public long degraded() {
        return degraded.sum();
    }

    /** @return priced orders that store's mailbox refused */
    public long refusedByStore() {
        return refusedByStore.sum();
    }

    void countAccepted() {
        accepted.increment();
    }

    void countRejected() {
        rejected.increment();
    }

    void countQuarantined() {
        quarantined.increment();
    }

    void countPriced(boolean atListPrice, boolean stored) {
        priced.increment();
        if (atListPrice) {
            degraded.increment();
        }
        if (!stored) {
            refusedByStore.increment();
        }
    }
}
