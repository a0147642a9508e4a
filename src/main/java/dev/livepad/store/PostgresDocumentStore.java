package dev.livepad.store;

/** Stub until the pg branch lands. */
public abstract class PostgresDocumentStore implements DocumentStore {
    public static PostgresDocumentStore open(String url) {
        throw new UnsupportedOperationException("not yet");
    }
}
