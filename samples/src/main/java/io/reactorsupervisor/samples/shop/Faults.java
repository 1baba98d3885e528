package io.reactorsupervisor.samples.shop;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The faults the demo injects on its schedule, as switches the components' code reads: the
 * next store write fails, the next store write hangs, the pricing backend is down. A fault
 * armed with {@code next...} fires once; the outage lasts until it is switched off.
 */
public final class Faults {

    private final AtomicBoolean connectionReset = new AtomicBoolean();
    private final AtomicBoolean storeHang = new AtomicBoolean();
    private final AtomicBoolean pricingOutage = new AtomicBoolean();

    /** The next write of store fails with "connection reset by peer": a handler exception. */
    public void nextWriteResetsConnection() {
        connectionReset.set(true);
    }

    /** The next write of store never completes: a hang that only its health check can see. */
    public void nextWriteHangs() {
        storeHang.set(true);
    }

    /**
     * @param down true: every pricing call fails, until this is called with false
     */
    public void pricingOutage(boolean down) {
        pricingOutage.set(down);
    }

    /** @return whether the pricing backend is down */
    public boolean pricingDown() {
        return pricingOutage.get();
    }

    boolean takeConnectionReset() {
        return connectionReset.getAndSet(false);
    }

    boolean takeStoreHang() {
        return storeHang.getAndSet(false);
    }
}
