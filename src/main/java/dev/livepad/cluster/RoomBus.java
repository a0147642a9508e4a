package dev.livepad.cluster;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Messages between the instances of one deployment; at most once. (Placeholder; see the bus branch.) */
public interface RoomBus extends AutoCloseable {
    CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener);

    CompletableFuture<Void> publish(String channel, String message);

    void onReconnect(Runnable listener);

    boolean isUp();

    CompletableFuture<Void> putField(String key, String field, String value);

    CompletableFuture<Void> removeField(String key, String field);

    CompletableFuture<Map<String, String>> readFields(String key);

    @Override
    void close();

    interface Subscription {
        void cancel();
    }
}
