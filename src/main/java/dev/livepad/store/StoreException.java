package dev.livepad.store;

/** A store could not read or write; the room in question must not be served from a guess. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
