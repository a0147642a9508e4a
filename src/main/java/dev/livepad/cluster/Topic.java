package dev.livepad.cluster;

import dev.livepad.cluster.RoomBus.Subscription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners one bus has on one channel, and the delivery loop both buses share: each listener
 * in turn, a throwing one logged and skipped so it cannot starve the others. The list is
 * copy-on-write because a channel's listeners change rarely and are read on every message.
 */
final class Topic {
    private static final Logger LOG = LoggerFactory.getLogger(Topic.class);

    private final String channel;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    /** Completes when the transport's subscription to this channel is active (Redis: confirmed). */
    volatile CompletableFuture<Void> active = CompletableFuture.completedFuture(null);

    Topic(String channel) {
        this.channel = channel;
    }

    Entry add(Consumer<String> listener, Consumer<Entry> onCancel) {
        Entry entry = new Entry(listener, onCancel);
        entries.add(entry);
        return entry;
    }

    /** Removes the entry; returns whether the channel has no listener left. */
    boolean remove(Entry entry) {
        entries.remove(entry);
        return entries.isEmpty();
    }

    void deliver(String message) {
        for (Entry entry : entries) {
            if (entry.cancelled) {
                continue; // cancelled, its removal not yet done: cancel() promised no more deliveries
            }
            try {
                entry.listener.accept(message);
            } catch (RuntimeException | Error e) {
                LOG.error("bus listener on {} failed; it stays subscribed", channel, e);
            }
        }
    }

    /** One listener; {@link #cancel} flags it at once and leaves the bookkeeping to the bus. */
    static final class Entry implements Subscription {
        private final Consumer<String> listener;
        private final Consumer<Entry> onCancel;
        private volatile boolean cancelled;

        private Entry(Consumer<String> listener, Consumer<Entry> onCancel) {
            this.listener = listener;
            this.onCancel = onCancel;
        }

        @Override
        public void cancel() {
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
            }
            onCancel.accept(this);
        }
    }
}
