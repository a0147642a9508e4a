package dev.livepad.web;

import static dev.livepad.testing.Messages.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.EventStreamClient;
import dev.livepad.testing.Messages;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Event streams whose clients never read (legal, and all it takes to attack a server that writes
 * them with blocking calls): they hold their bytes, not threads, so other clients' streams work
 * on, and they end once their sockets have taken nothing for two heartbeats.
 */
@Timeout(120)
class StalledEventStreamsTest {
    /** More than the 64 blocking writers event streams once had between them. */
    private static final int STALLED = 70;

    @Test
    void streams_whose_clients_never_read_do_not_stop_anyone_else_s() throws Exception {
        try (TestServer server = TestServer.start()) {
            String owner = bigRoom(server, "big");
            List<Socket> stalled = stall(server, "big", owner, STALLED);
            try {
                awaitStatus(server, "members", n -> n == STALLED, "every stalled stream joined");
                Thread.sleep(1000); // and writing its joined event, which its client never takes
                String victim = server.createRoom("victim");
                try (EventStreamClient reader = EventStreamClient.open(server.http("/api/rooms/victim/events"),
                        Map.of("Authorization", "Bearer " + victim));
                     WsClient typist = server.connect()) {
                    assertEquals(200, reader.status());
                    assertEquals(0, reader.joined().get("rev").asLong());
                    join(typist, "victim", victim);
                    typist.send(Messages.op("victim", 0, "v1", "still here"));
                    typist.nextOfType("ack");
                    assertEquals("v1", reader.nextOfType("op").data().get("id").asText());
                }
            } finally {
                close(stalled);
            }
        }
    }

    @Test
    void a_stream_whose_client_takes_nothing_for_two_heartbeats_is_ended() throws Exception {
        try (TestServer server = TestServer.start("EVENTS_HEARTBEAT_SECONDS", "1")) {
            String owner = bigRoom(server, "big");
            List<Socket> stalled = stall(server, "big", owner, 3);
            try {
                awaitStatus(server, "eventStreams", n -> n == 3, "the stalled streams open");
                awaitStatus(server, "eventStreams", n -> n == 0, "the stalled streams ended");
            } finally {
                close(stalled);
            }
        }
    }

    /** A room of 360,000 UTF-16 units of emoji: its joined event is about 2 MB of JSON escapes. */
    private static String bigRoom(TestServer server, String room) {
        String owner = server.createRoom(room);
        try (WsClient writer = server.connect()) {
            join(writer, room, owner);
            String chunk = "\uD83D\uDE00".repeat(30_000);
            for (int i = 0; i < 6; i++) {
                writer.send(i == 0 ? Messages.op(room, 0, "fill-0", chunk)
                        : Messages.op(room, i, "fill-" + i, 60_000 * i, chunk));
                assertEquals("ack", writer.next(m -> m.path("type").asText().matches("ack|error"))
                        .path("type").asText());
            }
        }
        return owner;
    }

    /** Opens {@code count} event streams of {@code room} on sockets that never read. */
    private static List<Socket> stall(TestServer server, String room, String token, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(1024);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/rooms/" + room + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + token + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            sockets.add(socket);
        }
        return sockets;
    }

    private static void awaitStatus(TestServer server, String figure, IntPredicate wanted, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        int value = server.status().get(figure).asInt();
        while (!wanted.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = server.status().get(figure).asInt();
        }
        assertTrue(wanted.test(value), what + ": /status " + figure + " " + value);
    }

    private static void close(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
