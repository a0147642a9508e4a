package dev.livepad.room;

/** A room object that has closed (evicted, deleted or failed) was asked to do something. */
final class RoomGone extends RuntimeException {
    RoomGone(String room) {
        super("room " + room + " is no longer loaded", null, false, false);
    }
}
