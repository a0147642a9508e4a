package dev.livepad.cluster;

/** Stub until the bus branch lands. */
public abstract class RedisRoomBus implements RoomBus {
    public static RedisRoomBus open(String url, String prefix) {
        throw new UnsupportedOperationException("not yet");
    }
}
