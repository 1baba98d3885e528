package io.reactorsupervisor.samples.shop;

/**
 * An order line longer than {@link OrderParser#MAX_LINE_BYTES}, refused by the parse component
 * in Java before it reaches the WebAssembly guest. A verdict on the input, not a fault of the
 * parser: parse's spec answers it with {@link io.reactorsupervisor.Directive#RESUME}, so the line
 * becomes a dead letter with reason {@link io.reactorsupervisor.DeadLetterReason#REJECTED}, an
 * {@code ask} for it fails with this exception, and parse keeps its instance and does not restart.
 */
public final class OrderLineTooLongException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int length;
    private final int maximum;

    /**
     * @param length the line's length, in UTF-8 bytes
     * @param maximum the longest line taken, in UTF-8 bytes
     */
    OrderLineTooLongException(int length, int maximum) {
        super("order line of " + length + " bytes is longer than the maximum of " + maximum + " bytes");
        this.length = length;
        this.maximum = maximum;
    }

    /** @return the line's length, in UTF-8 bytes */
    public int length() {
        return length;
    }

    /** @return the longest line parse takes, in UTF-8 bytes */
    public int maximum() {
        return maximum;
    }
}
