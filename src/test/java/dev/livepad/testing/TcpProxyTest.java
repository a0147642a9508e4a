package dev.livepad.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fault-injection proxy forwards faithfully until cut, and a cut is a real network failure. */
@Timeout(60)
class TcpProxyTest {
    private ServerSocket echo;
    private TcpProxy proxy;

    /** A server that sends back every byte it receives and closes when its client has finished sending. */
    @BeforeEach
    void startEchoServer() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = echo.accept();
                    Thread copier = new Thread(() -> {
                        try (socket) {
                            socket.getInputStream().transferTo(socket.getOutputStream());
                        } catch (IOException ignored) {
                            // the proxy cut it
                        }
                    });
                    copier.setDaemon(true);
                    copier.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwards_bytes_both_ways_and_passes_on_the_end_of_a_stream() throws Exception {
        byte[] sent = new byte[1 << 20];
        new Random(7).nextBytes(sent);
        try (Socket socket = connect()) {
            // Write and read at once: a megabyte does not fit in the socket buffers along the way.
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(sent);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] received = socket.getInputStream().readAllBytes(); // ends when the echo server closes
            writer.get();
            assertArrayEquals(sent, received);
        }
    }

    @Test
    void cut_breaks_open_connections_and_refuses_new_ones_until_restore() throws Exception {
        try (Socket first = connect(); Socket second = connect()) {
            assertEquals("one", roundTrip(first, "one"));
            assertEquals("two", roundTrip(second, "two"));
            assertEquals(2, proxy.openConnections());

            proxy.cut();
            assertBroken(first);
            assertBroken(second);
            assertEquals(0, proxy.openConnections());
            assertRefused();

            proxy.restore();
            try (Socket after = connect()) {
                assertEquals("three", roundTrip(after, "three"));
            }
            assertBroken(first); // a cut connection stays cut
        }
    }

    @Test
    void close_breaks_open_connections_and_stops_listening() throws Exception {
        try (Socket open = connect()) {
            assertEquals("one", roundTrip(open, "one"));
            assertTrue(proxy.listening());

            proxy.close();
            assertBroken(open);
            assertEquals(0, proxy.openConnections());
            assertFalse(proxy.listening());
        }
        // Its port is free now, and the kernel may hand it on at once (to another test's server, or to
        // this very connect as its own source port: a TCP self-connect), so a refusal is the usual
        // outcome here but not one to assert; CI saw it fail that way once.
        try (Socket late = connect()) {
            assertEquals(0, proxy.openConnections());
        } catch (ConnectException refused) {
            // the usual outcome
        }
    }

    @Test
    void cut_breaks_a_postgresql_connection_and_restore_lets_a_new_one_through() throws Exception {
        Postgres.requireAvailable();
        try (TcpProxy postgres = TcpProxy.start("127.0.0.1", 5432)) {
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/test?user=root&socketTimeout=5";
            try (Connection connection = DriverManager.getConnection(url)) {
                assertEquals(1, selectOne(connection));
                postgres.cut();
                assertThrows(SQLException.class, () -> selectOne(connection));
                assertThrows(SQLException.class, () -> DriverManager.getConnection(url).close());
            }
            postgres.restore();
            try (Connection connection = DriverManager.getConnection(url)) {
                assertEquals(1, selectOne(connection));
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** The reset may reach the client while it connects or on its first read or write. */
    private void assertRefused() {
        try (Socket socket = connect()) {
            assertBroken(socket);
        } catch (IOException refused) {
            // reset before the connect completed
        }
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    /** A write and read fail, or the read sees the end of the stream, well before the read timeout. */
    private static void assertBroken(Socket socket) {
        long start = System.nanoTime();
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write('x');
            int read = in.read();
            assertEquals(-1, read, "the connection still carries bytes");
        } catch (IOException expected) {
            // reset by the proxy
        }
        assertTrue(System.nanoTime() - start < 4_000_000_000L, "broken only by the read timeout");
    }

    private static int selectOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
