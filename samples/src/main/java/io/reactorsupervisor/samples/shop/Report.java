package io.reactorsupervisor.samples.shop;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import io.reactorsupervisor.ComponentSnapshot;
import io.reactorsupervisor.DeadLetterReason;
import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.SupervisorSnapshot;

/**
 * The demo's summary: per component, the messages sent to it, handled and dead-lettered (by
 * reason) and its restarts, from the demo's own counts and from the library's snapshot, and
 * the check that nothing was lost. A message is lost if it was sent to a component and was
 * neither handled nor published as a dead letter; a message the mailbox refuses is published
 * as a dead letter at once, so for every component {@code sent == handled + dead-lettered}.
 */
public final class Report {

    /**
     * One component's line.
     *
     * @param tally the demo's own counts
     * @param snapshot the library's view of the component, taken after shutdown
     * @param problems what did not add up, empty when all did
     */
    public record Row(Tally tally, ComponentSnapshot snapshot, List<String> problems) {

        /** @return whether this component's counts add up */
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final List<Row> rows;
    private final List<String> problems;
    private final SupervisorSnapshot snapshot;
    private final List<SupervisionEvent> events;
    private final Outcomes outcomes;
    private final OrderBook book;
    private final long ordersSent;

    private Report(List<Row> rows, List<String> problems, SupervisorSnapshot snapshot, List<SupervisionEvent> events,
            Outcomes outcomes, OrderBook book, long ordersSent) {
        this.rows = List.copyOf(rows);
        this.problems = List.copyOf(problems);
        this.snapshot = snapshot;
        this.events = List.copyOf(events);
        this.outcomes = outcomes;
        this.book = book;
        this.ordersSent = ordersSent;
    }

    /**
     * Checks a shop that has shut down.
     *
     * @param shop the shop
     * @param events every event of its tree, in order
     * @param ordersSent how many order lines were sent to ingest
     * @return the report
     */
    public static Report of(Shop shop, List<SupervisionEvent> events, long ordersSent) {
        SupervisorSnapshot root = shop.snapshot();
        List<Row> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Tally t : shop.tallies().values()) {
            ComponentSnapshot c = (ComponentSnapshot) root.child(t.path().substring(Shop.ROOT.length() + 1));
            List<String> p = new ArrayList<>();
            if (t.sent() != t.handled() + t.deadLetters()) {
                p.add("sent " + t.sent() + " != handled " + t.handled() + " + dead-lettered " + t.deadLetters());
            }
            if (c.handled() != t.handled()) {
                p.add("snapshot handled " + c.handled() + " != own count " + t.handled());
            }
            if (c.deadLetters() != t.deadLetters()) {
                p.add("snapshot dead letters " + c.deadLetters() + " != dead letters seen " + t.deadLetters());
            }
            if (c.mailboxDepth() != 0) {
                p.add("mailbox still holds " + c.mailboxDepth());
            }
            if (c.restarts() != t.restarts()) {
                p.add("snapshot restarts " + c.restarts() + " != restarts seen " + t.restarts());
            }
            p.forEach(s -> problems.add(t.path() + ": " + s));
            rows.add(new Row(t, c, p));
        }
        Outcomes o = shop.outcomes();
        Tally ingest = shop.tallies().get(Shop.INGEST);
        if (ingest.sent() != ordersSent) {
            problems.add("orders: ingest was sent " + ingest.sent() + ", the scenario sent " + ordersSent);
        }
        if (o.accepted() + o.rejected() + o.quarantined() != ingest.handled()) {
            problems.add("orders: accepted " + o.accepted() + " + rejected " + o.rejected() + " + quarantined "
                    + o.quarantined() + " != handled by ingest " + ingest.handled());
        }
        if (shop.book().size() != o.accepted()) {
            problems.add("orders: " + o.accepted() + " accepted but " + shop.book().size() + " stored");
        }
        if (shop.book().connectionsOpened() != shop.book().connectionsClosed()) {
            problems.add("store: " + shop.book().connectionsOpened() + " connections opened, "
                    + shop.book().connectionsClosed() + " closed");
        }
        return new Report(rows, problems, root, events, o, shop.book(), ordersSent);
    }

    /** @return whether nothing was lost and every count agrees */
    public boolean ok() {
        return problems.isEmpty();
    }

    /** @return what did not add up */
    public List<String> problems() {
        return problems;
    }

    /** @return one line per component, in start order */
    public List<Row> rows() {
        return rows;
    }

    /** @return every event of the run, in order */
    public List<SupervisionEvent> events() {
        return events;
    }

    /** @return what happened to the orders */
    public Outcomes outcomes() {
        return outcomes;
    }

    /** @return the tree after shutdown */
    public SupervisorSnapshot snapshot() {
        return snapshot;
    }

    /** @return the summary table, the order totals and the verdict */
    public String render() {
        StringBuilder sb = new StringBuilder();
        String format = "%-21s %6s %8s  %-36s %9s   %-27s %s%n";
        sb.append(String.format(format, "component", "sent", "handled", "dead-lettered (by reason)", "restarts",
                "snapshot: handled/dead/mbox", "check"));
        long sent = 0;
        long handled = 0;
        long dead = 0;
        for (Row r : rows) {
            Tally t = r.tally();
            ComponentSnapshot c = r.snapshot();
            sb.append(String.format(format, t.path(), t.sent(), t.handled(), deadLetters(t), t.restarts(),
                    c.handled() + "/" + c.deadLetters() + "/" + c.mailboxDepth(), r.ok() ? "ok" : "MISMATCH"));
            sent += t.sent();
            handled += t.handled();
            dead += t.deadLetters();
        }
        sb.append(String.format(format, "all components", sent, handled, dead, "", "", ""));
        sb.append('\n');
        sb.append(String.format("orders: %d sent to ingest = %d accepted + %d rejected (invalid) + %d quarantined"
                + " (poison); %d stored, %d of them at the list price (degraded mode)%n", ordersSent,
                outcomes.accepted(), outcomes.rejected(), outcomes.quarantined(), book.size(), outcomes.degraded()));
        sb.append(String.format("store connections: %d opened, %d closed (one per incarnation, closed by the library)%n",
                book.connectionsOpened(), book.connectionsClosed()));
        sb.append('\n');
        if (ok()) {
            sb.append("Nothing lost: every message sent to a component was handled or dead-lettered with a reason,")
                    .append("\nand the demo's own counts agree with the library's snapshot.\n");
        } else {
            sb.append("CHECK FAILED:\n");
            problems.forEach(p -> sb.append("  ").append(p).append('\n'));
        }
        return sb.toString();
    }

    private static String deadLetters(Tally t) {
        StringJoiner j = new StringJoiner(", ");
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            long n = t.deadLetters(reason);
            if (n > 0) {
                j.add(n + " " + reason);
            }
        }
        return t.deadLetters() == 0 ? "0" : t.deadLetters() + " (" + j + ")";
    }
}
