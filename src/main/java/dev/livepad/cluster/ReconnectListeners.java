package dev.livepad.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link RoomBus#onReconnect} listeners of one bus; one that throws is logged, the rest still run. */
final class ReconnectListeners {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectListeners.class);

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void add(Runnable listener) {
        listeners.add(listener);
    }

    void fire() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException | Error e) {
                LOG.error("bus reconnect listener failed", e);
            }
        }
    }
}
