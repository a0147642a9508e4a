package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real WebSocket client for tests, speaking JSON messages: a thin face on {@link FrameClient},
 * which receives, queues and waits (with a timeout, never a sleep) for both.
 */
public final class WsClient implements AutoCloseable {
    public static final Duration TIMEOUT = FrameClient.TIMEOUT;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FrameClient frames;

    private WsClient(FrameClient frames) {
        this.frames = frames;
    }

    public static WsClient connect(URI uri) {
        return new WsClient(FrameClient.connect(uri));
    }

    public static WsClient connect(URI uri, String origin) {
        return connect(uri, origin == null ? Map.of() : Map.of("Origin", origin));
    }

    /** A client whose upgrade request carries {@code headers} (Origin, X-Forwarded-For...). */
    public static WsClient connect(URI uri, Map<String, String> headers) {
        return new WsClient(FrameClient.connect(uri, headers));
    }

    public static ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    public WsClient send(JsonNode message) {
        return sendRaw(message.toString());
    }

    public WsClient sendRaw(String frame) {
        frames.send(frame);
        return this;
    }

    public WsClient sendBinary(byte[] data) {
        frames.sendBinary(data);
        return this;
    }

    /** The next message, whatever it is; fails after the timeout. */
    public JsonNode next() {
        return frames.next();
    }

    /** Skips messages until one matches; fails after the timeout. */
    public JsonNode next(Predicate<JsonNode> wanted) {
        return frames.next(wanted);
    }

    public JsonNode nextOfType(String type) {
        return next(m -> type.equals(m.path("type").asText()));
    }

    /** The next message already received, or null if there is none. */
    public JsonNode poll() {
        return frames.poll();
    }

    /** Messages already received and not yet taken. */
    public List<JsonNode> drain() {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode m = frames.poll(); m != null; m = frames.poll()) {
            all.add(m);
        }
        return all;
    }

    /** Waits for the server to close the connection and returns its status code. */
    public int awaitClose() {
        return frames.awaitClose();
    }

    public boolean isClosed() {
        return frames.isClosed();
    }

    public void abort() {
        frames.abort();
    }

    @Override
    public void close() {
        frames.close();
    }
}
