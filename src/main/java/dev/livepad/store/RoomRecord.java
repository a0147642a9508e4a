package dev.livepad.store;

/**
 * One incarnation of a named room. {@code id} is random and new each time a room is created,
 * so tokens minted for a deleted room never open a later room of the same name. {@code tokenGen}
 * is the room's token generation: tokens minted in an older one have been revoked.
 */
public record RoomRecord(String name, String id, long createdAtMillis, long tokenGen) {

    /** A room in its first token generation, as created. */
    public RoomRecord(String name, String id, long createdAtMillis) {
        this(name, id, createdAtMillis, 0);
    }
}
