package dev.livepad.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The Redis that service-backed tests use (127.0.0.1:6379, no auth), and a plain RESP connection to
 * it that needs no client library, for what a test does behind the back of the code under test:
 * kill a connection, count subscribers. Tests skip when Redis is not running, unless
 * LIVEPAD_REQUIRE_SERVICES=true (CI), where that is a failure.
 */
public final class Redis implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    public static final int PORT = 6379;
    public static final String URL = "redis://" + HOST + ":" + PORT;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Redis(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Skips the calling test when Redis does not answer PING, or fails it when CI demands Redis. */
    public static void requireRunning() {
        boolean running;
        try (Redis redis = connect()) {
            running = "PONG".equals(redis.call("PING"));
        } catch (IOException | RuntimeException e) {
            running = false;
        }
        if (!running && Services.required()) {
            throw new AssertionError("LIVEPAD_REQUIRE_SERVICES=true but Redis does not answer at " + URL);
        }
        assumeTrue(running, "Redis is not running at " + URL + "; Redis tests skipped");
    }

    /** A key and channel prefix of its own, so a test never sees another run's data. */
    public static String randomPrefix() {
        return "test-" + UUID.randomUUID();
    }

    public static Redis connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(HOST, PORT), 1000);
        socket.setSoTimeout(5000);
        return new Redis(socket);
    }

    /** One command on a new connection. */
    public static Object command(String... args) {
        try (Redis redis = connect()) {
            return redis.call(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Kills the pub/sub connections whose client name is {@code clientName}, and only those (a bare
     * {@code CLIENT KILL TYPE pubsub} would also cut every other test run's subscribers); returns how many.
     */
    public static int killSubscribers(String clientName) {
        int killed = 0;
        String list = (String) command("CLIENT", "LIST", "TYPE", "pubsub");
        for (String line : list.split("\n")) {
            if ((" " + line + " ").contains(" name=" + clientName + " ")) {
                String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' '));
                killed += ((Long) command("CLIENT", "KILL", "ID", id, "TYPE", "pubsub")).intValue();
            }
        }
        return killed;
    }

    /** How many connections are subscribed to {@code channel} (PUBSUB NUMSUB). */
    public static long subscribers(String channel) {
        List<?> reply = (List<?>) command("PUBSUB", "NUMSUB", channel);
        return (Long) reply.get(1);
    }

    /** Sends a command and reads its reply: a String, Long, List, or null; an error reply throws. */
    public Object call(String... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(request.toByteArray());
        out.flush();
        return reply();
    }

    private Object reply() throws IOException {
        int type = in.read();
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException("Redis: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(reply());
                }
                return count < 0 ? null : items;
            }
            default:
                throw new IOException("unexpected RESP type " + type);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("Redis closed the connection");
            }
            bytes.write(b);
        }
        in.read(); // '\n'
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
