package dev.livepad.store;

/**
 * One entry of a room's op log: revision, the op as applied (ot.js JSON text), the client
 * op id used for de-duplication, and who sent it.
 */
public record StoredOp(long rev, String opJson, String opId, String clientId, long timeMillis) {
}
