package dev.livepad.cluster;

/**
 * The bus could not carry a message or a command: it is down, closed, or Redis refused. Callers treat
 * it like a lost message and rely on the database, never on the bus, for what must not be lost.
 */
public final class BusException extends RuntimeException {
    public BusException(String message, Throwable cause) {
        super(message, cause);
    }

    public BusException(String message) {
        super(message);
    }
}
