package dev.livepad.room;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.cluster.RoomBus;
import dev.livepad.protocol.MessageCodec;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What the rooms of one instance of a cluster share: who this instance is, the bus to the other
 * instances (absent when only the database is shared: then instances learn of each other's ops
 * from conflicts and head checks alone, slower but still correct), and the threads that read
 * the shared log so that no room's executor ever waits on the database.
 *
 * @param headCheckEvery how often the heads of loaded rooms are compared with the store, to
 *     notice a last op whose bus message was lost
 * @param presenceEvery how often an instance repeats its members of each room
 * @param presenceExpiry after how long without a word from an instance its members leave
 */
public record ClusterLink(String instanceId, Optional<RoomBus> bus, Executor io, MessageCodec codec,
                          ObjectMapper json, Duration headCheckEvery, Duration presenceEvery,
                          Duration presenceExpiry) {

    static String channel(String roomName) {
        return "room:" + roomName;
    }

    static String presenceKey(String roomName) {
        return "presence:" + roomName;
    }
}
