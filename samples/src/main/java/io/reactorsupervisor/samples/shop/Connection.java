package io.reactorsupervisor.samples.shop;

/**
 * The state of one incarnation of store: a connection to the {@link OrderBook}. It is
 * {@link AutoCloseable}, so the library closes it when the incarnation ends, whatever the
 * reason; the next incarnation opens a fresh one.
 */
final class Connection implements AutoCloseable {

    private final OrderBook book;
    private final Faults faults;
    private final long number;
    private volatile boolean open = true;

    Connection(OrderBook book, Faults faults, long number) {
        this.book = book;
        this.faults = faults;
        this.number = number;
    }

    /** Stores {@code id,SKU,qty,cents,source}; returns the id. */
    String write(String pricedLine) {
        if (!open) {
            throw new IllegalStateException("connection #" + number + " is closed");
        }
        if (faults.takeConnectionReset()) {
            throw new IllegalStateException("connection #" + number + " reset by peer");
        }
        String id = pricedLine.substring(0, pricedLine.indexOf(','));
        book.put(id, pricedLine);
        return id;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            book.closed();
        }
    }

    @Override
    public String toString() {
        return "connection #" + number;
    }
}
