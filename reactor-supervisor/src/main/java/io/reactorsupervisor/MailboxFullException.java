package io.reactorsupervisor;

/** An {@code ask} was refused because the component's bounded mailbox was full. */
public final class MailboxFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param path the path of the component in its tree
     * @param capacity the mailbox bound
     */
    public MailboxFullException(String path, int capacity) {
        super("Mailbox of component '" + path + "' is full (capacity " + capacity + ")", null, false, false);
    }
}
