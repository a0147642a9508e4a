package dev.livepad.ot;

/**
 * Signals that an operation is malformed or does not fit the document it is applied to.
 * The message is meant to be shown to the client that sent the operation.
 */
public final class InvalidOperationException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidOperationException(String message) {
        super(message);
    }
}
