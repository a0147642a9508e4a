package dev.livepad.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder that a test can cut or stall, to see what a client does when its
 * server vanishes (connections reset, new ones refused) or goes silent (connections stay open,
 * nothing comes back), without touching the real server.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final int port;
    private volatile ServerSocket listener;
    private volatile boolean stalled;

    private TcpProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.port = listener.getLocalPort();
        acceptOn(listener);
    }

    /** Forwards a free loopback port to {@code host:port}. */
    public static TcpProxy to(String host, int port) throws IOException {
        return new TcpProxy(new InetSocketAddress(host, port), listen(0));
    }

    public int port() {
        return port;
    }

    /** Resets every connection and stops listening: connecting is refused until {@link #resume}. */
    public synchronized void cut() {
        stalled = false;
        close(listener);
        sockets.forEach(TcpProxy::close);
        sockets.clear();
    }

    /** Keeps connections open and accepts new ones, but forwards nothing, in either direction. */
    public void stall() {
        stalled = true;
    }

    /** Forwards again; after {@link #cut}, listens again on the same port. */
    public synchronized void resume() throws IOException {
        stalled = false;
        if (listener.isClosed()) {
            listener = listen(port);
            acceptOn(listener);
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    private void acceptOn(ServerSocket server) {
        daemon("tcp-proxy-accept-" + port, () -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    sockets.add(client);
                    sockets.add(upstream);
                    upstream.connect(target, 2_000);
                    daemon("tcp-proxy-up", () -> pump(client, upstream));
                    daemon("tcp-proxy-down", () -> pump(upstream, client));
                } catch (IOException e) {
                    // Closed by cut(), or the target refused: the client sees its connection drop.
                }
            }
        });
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                while (stalled && !from.isClosed()) {
                    Thread.sleep(10);
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException | InterruptedException e) {
            // The connection ended, or was cut.
        } finally {
            close(from);
            close(to);
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        cut();
    }
}
