package dev.livepad.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A few event loops, each one thread with one NIO {@link Selector}, that carry every WebSocket of a run: 10,000
 * connections cost two threads, and a received frame is decoded and handled on the thread that read it, with no
 * hand-off. The JDK's own {@code java.net.http.WebSocket} spent about 10 µs of CPU per received message here
 * (scheduler hand-offs, park/unpark), more than the server under test; this client spends a fraction of that.
 */
final class WsLoops implements AutoCloseable {
    private final Loop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    WsLoops(int threads) {
        loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop("loadgen-io-" + i);
            loops[i].start();
        }
    }

    /** Opens a WebSocket to {@code uri} (no {@code Origin} header); completes once the upgrade succeeded. */
    CompletableFuture<WsConnection> connect(URI uri, WsListener listener) {
        Loop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
        CompletableFuture<WsConnection> opened = new CompletableFuture<>();
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.socket().setTcpNoDelay(true);
            int port = uri.getPort() > 0 ? uri.getPort() : 80;
            WsConnection connection = new WsConnection(channel, uri, listener, opened, loop.selector);
            channel.connect(new InetSocketAddress(uri.getHost(), port));
            loop.register(connection);
        } catch (IOException e) {
            opened.completeExceptionally(e);
        }
        return opened;
    }

    @Override
    public void close() {
        for (Loop loop : loops) {
            loop.interrupt();
            loop.selector.wakeup();
        }
    }

    /** One selector thread: registers new connections, then reads, writes and connects whatever is ready. */
    private static final class Loop extends Thread {
        private final Selector selector;
        private final Queue<WsConnection> pending = new ConcurrentLinkedQueue<>();

        Loop(String name) {
            super(name);
            setDaemon(true);
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void register(WsConnection connection) {
            pending.add(connection);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!isInterrupted()) {
                    for (WsConnection c = pending.poll(); c != null; c = pending.poll()) {
                        c.register(selector);
                    }
                    selector.select(key -> ((WsConnection) key.attachment()).ready(key));
                }
            } catch (IOException e) {
                System.err.println("loadgen: event loop failed: " + e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    ((WsConnection) key.attachment()).abort();
                }
            }
        }
    }
}
