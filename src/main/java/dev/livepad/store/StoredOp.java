package dev.livepad.store;

/**
 * One entry of a room's op log: revision, the op as applied (ot.js JSON text), the client
 * op id used for de-duplication, who sent it (connection id and display name), when, and the
 * fingerprint of the op as the client sent it (its base revision and components), which tells a
 * retry from a different op under the same id. A fingerprint of 0 means unknown (ops stored
 * before fingerprints were kept); a null name, an op stored before names were kept or sent by a
 * client that gave none.
 */
public record StoredOp(long rev, String opJson, String opId, String clientId, long timeMillis, long fingerprint,
                       String name) {

    /** An op whose author gave no display name. */
    public StoredOp(long rev, String opJson, String opId, String clientId, long timeMillis, long fingerprint) {
        this(rev, opJson, opId, clientId, timeMillis, fingerprint, null);
    }
}
