package dev.livepad.store;

/**
 * One incarnation of a named room. {@code id} is random and new each time a room is created,
 * so tokens minted for a deleted room never open a later room of the same name.
 */
public record RoomRecord(String name, String id, long createdAtMillis) {
}
