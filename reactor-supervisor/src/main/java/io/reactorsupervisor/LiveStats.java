package io.reactorsupervisor;

import java.util.Map;

/**
 * The live view of {@link ComponentRef#stats()}: each call reads the cell's counters now. One
 * view per call of {@code stats()}, none per component: an idle component holds no view.
 */
final class LiveStats implements ComponentStats {

    private final ComponentCell cell;

    LiveStats(ComponentCell cell) {
        this.cell = cell;
    }

    @Override
    public String path() {
        return cell.path();
    }

    @Override
    public ComponentState state() {
        return cell.state();
    }

    @Override
    public int mailboxDepth() {
        return cell.mailbox.depth();
    }

    @Override
    public int mailboxCapacity() {
        return cell.mailbox.capacity();
    }

    @Override
    public long handled() {
        return cell.handledCount();
    }

    @Override
    public long crashes() {
        return cell.crashCount();
    }

    @Override
    public long restarts() {
        return cell.restarts;
    }

    @Override
    public int restartsInWindow() {
        RestartWindow w = cell.window;
        return w == null ? 0 : w.countWithin(cell.nowNanos());
    }

    @Override
    public long deadLetters() {
        return cell.deadLetterCount();
    }

    @Override
    public long deadLetters(DeadLetterReason reason) {
        return cell.deadLetterCount(reason);
    }

    @Override
    public Map<String, String> circuitBreakers() {
        return cell.guards();
    }

    @Override
    public String toString() {
        return "ComponentStats[" + cell.path() + "]";
    }
}
