package dev.livepad.store;

/**
 * One entry of a room's op log: revision, the op as applied (ot.js JSON text), the client
 * op id used for de-duplication, who sent it, when, and the fingerprint of the op as the client
 * sent it (its base revision and components), which tells a retry from a different op under the
 * same id. A fingerprint of 0 means unknown (ops stored before fingerprints were kept).
 */
public record StoredOp(long rev, String opJson, String opId, String clientId, long timeMillis, long fingerprint) {
}
