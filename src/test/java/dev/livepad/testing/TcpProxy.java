package dev.livepad.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A TCP forwarder on a free loopback port, put between an instance and a service (PostgreSQL,
 * Redis, another instance) so a fault test can cut the network at a chosen moment: {@link #cut}
 * drops every open connection at once and refuses new ones until {@link #restore}; {@link #stall}
 * forwards nothing while keeping connections open. One thread
 * accepts; each connection has a thread per direction.
 */
public final class TcpProxy implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Link> links = new HashSet<>();
    private boolean cut;
    private volatile boolean stalled;

    private TcpProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    /** Listens on 127.0.0.1 (a free port) and forwards each connection to {@code targetHost:targetPort}. */
    public static TcpProxy start(String targetHost, int targetPort) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress(targetHost, targetPort));
        daemon("tcp-proxy-accept-" + listener.getLocalPort(), proxy::acceptLoop);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Resets every open connection, both its ends, at once, and from now on resets each new one as
     * soon as it is accepted, as a host whose service is down would: clients fail at once, not
     * after a timeout. Idempotent.
     */
    public void cut() {
        List<Link> open;
        synchronized (this) {
            cut = true;
            open = new ArrayList<>(links);
            links.clear();
        }
        open.forEach(Link::reset);
    }

    /**
     * Keeps every connection open and accepts new ones, but forwards nothing either way until
     * {@link #restore}: a network that silently drops packets, where only timeouts help.
     */
    public void stall() {
        stalled = true;
    }

    /** Lets new connections through again and ends a stall; connections cut before stay closed. */
    public synchronized void restore() {
        cut = false;
        stalled = false;
    }

    /** Connections being forwarded now. */
    public synchronized int openConnections() {
        return links.size();
    }

    /** False once closed: the listening socket is gone and its port free for anyone. */
    public boolean listening() {
        return !listener.isClosed();
    }

    /** Stops listening and resets every open connection. */
    @Override
    public void close() {
        cut();
        closeQuietly(listener);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Link link = new Link(client);
            boolean accepted;
            synchronized (this) {
                accepted = !cut && links.add(link);
            }
            if (accepted) {
                daemon("tcp-proxy-up-" + client.getPort(), () -> forward(link));
            } else {
                link.reset();
            }
        }
    }

    /** Connects to the target, then copies client to target here and target to client on a second thread. */
    private void forward(Link link) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            closeQuietly(upstream);
            drop(link, true);
            return;
        }
        if (!link.attach(upstream)) {
            return; // cut while connecting
        }
        daemon("tcp-proxy-down-" + link.client.getPort(), () -> pump(link, upstream, link.client));
        pump(link, link.client, upstream);
    }

    /** Copies until end of stream, then half-closes the other side, as TCP itself would. */
    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                while (stalled && !from.isClosed()) {
                    Thread.sleep(10);
                }
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
            if (link.directionDone()) {
                drop(link, false); // an orderly close: what was written still reaches the peers
            }
        } catch (IOException e) {
            drop(link, true); // one side failed or was cut: nothing more can flow either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(link, true);
        }
    }

    private void drop(Link link, boolean reset) {
        synchronized (this) {
            links.remove(link);
        }
        if (reset) {
            link.reset();
        } else {
            link.close();
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is all we wanted
        }
    }

    /** One forwarded connection: the accepted client socket and, once connected, its upstream socket. */
    private static final class Link {
        final Socket client;
        private Socket upstream;
        private boolean closed;
        private int directionsDone;

        Link(Socket client) {
            this.client = client;
        }

        /** False (and the socket closed) when the link was reset while the upstream connected. */
        synchronized boolean attach(Socket socket) {
            if (closed) {
                closeQuietly(socket);
                return false;
            }
            upstream = socket;
            return true;
        }

        /** True when both directions have reached end of stream. */
        synchronized boolean directionDone() {
            return ++directionsDone == 2;
        }

        /** Closes both ends with RST (linger 0), so a peer's next read or write fails at once. */
        synchronized void reset() {
            closed = true;
            for (Socket socket : sockets()) {
                try {
                    socket.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // already closed
                }
                closeQuietly(socket);
            }
        }

        synchronized void close() {
            closed = true;
            sockets().forEach(TcpProxy::closeQuietly);
        }

        private List<Socket> sockets() {
            return upstream == null ? List.of(client) : List.of(client, upstream);
        }
    }
}
