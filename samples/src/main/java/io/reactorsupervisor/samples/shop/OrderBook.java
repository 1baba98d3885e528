package io.reactorsupervisor.samples.shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where store writes orders: the pretend database. It lives outside the supervision tree, so
 * it outlives every incarnation of store; each incarnation reaches it through its own
 * {@link Connection}.
 */
public final class OrderBook {

    private final Map<String, String> orders = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();

    /** @return how many orders are stored */
    public int size() {
        return orders.size();
    }

    /**
     * @param id an order id
     * @return the stored order line, or null
     */
    public String get(String id) {
        return orders.get(id);
    }

    /** @return connections opened so far: one per incarnation of store */
    public long connectionsOpened() {
        return connections.get();
    }

    /** @return connections closed so far: the library closes an incarnation's AutoCloseable state */
    public long connectionsClosed() {
        return closed.get();
    }

    Connection connect(Faults faults) {
        return new Connection(this, faults, connections.incrementAndGet());
    }

    void put(String id, String line) {
        orders.put(id, line);
    }

    void closed() {
        closed.incrementAndGet();
    }
}
