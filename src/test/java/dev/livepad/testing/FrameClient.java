package dev.livepad.testing;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket test client for hostile-input tests: sends any text, keeps every frame the server
 * sends as it arrived, parses numbers exactly (so an echo can be compared digit for digit), fails
 * loudly if the server ever sends something that is not JSON, and can stop reading altogether
 * ({@link #pauseReading}) to play a client that has stalled.
 */
public final class FrameClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Parses the server's frames with exact numbers and no length limits of its own. */
    public static final ObjectMapper EXACT = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(100_000)
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean paused;
    private boolean starved; // the listener returned without requesting more; guarded by this

    private FrameClient(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Listener()).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public static FrameClient connect(URI uri) {
        return new FrameClient(uri, Map.of());
    }

    /** A client whose upgrade request carries {@code headers} (Origin, X-Forwarded-For...). */
    public static FrameClient connect(URI uri, Map<String, String> headers) {
        return new FrameClient(uri, headers);
    }

    public FrameClient send(String frame) {
        socket.sendText(frame, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return this;
    }

    /** Sends without waiting for the write to finish (a client writing as fast as it can). */
    public CompletableFuture<WebSocket> sendAsync(String frame) {
        return socket.sendText(frame, true);
    }

    public FrameClient sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return this;
    }

    /** The next frame, parsed; fails after the timeout or if the frame is not JSON. */
    public JsonNode next() {
        return next(m -> true);
    }

    /** Skips frames until one matches; fails after the timeout. */
    public JsonNode next(Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            String frame;
            try {
                frame = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (frame == null) {
                throw new AssertionError("no matching message within " + TIMEOUT
                        + (isClosed() ? " (the connection closed with " + closeCode.join() + ")" : ""));
            }
            JsonNode m = parse(frame);
            if (wanted.test(m)) {
                return m;
            }
        }
    }

    /** The next frame, or null once the server has closed the connection and nothing is left to read. */
    public JsonNode nextUnlessClosed() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String frame;
            try {
                frame = inbox.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (frame != null) {
                return parse(frame);
            } else if (isClosed() && inbox.isEmpty()) {
                return null;
            }
        }
        throw new AssertionError("neither a message nor a close within " + TIMEOUT);
    }

    /** The next frame already received, parsed, or null. */
    public JsonNode poll() {
        String frame = inbox.poll();
        return frame == null ? null : parse(frame);
    }

    public static JsonNode parse(String frame) {
        try {
            JsonNode node = EXACT.readTree(frame);
            if (node == null || !node.isObject()) {
                throw new AssertionError("the server sent a frame that is not a JSON object: " + clip(frame));
            }
            return node;
        } catch (JacksonException e) {
            throw new AssertionError("the server sent a frame that is not JSON: " + clip(frame), e);
        }
    }

    /** Stops taking frames off the socket: TCP flow control soon stops the server's writes. */
    public void pauseReading() {
        paused = true;
    }

    /** Takes frames again after {@link #pauseReading}. */
    public void resumeReading() {
        paused = false;
        synchronized (this) {
            if (!starved) {
                return;
            }
            starved = false;
        }
        socket.request(1);
    }

    public int queued() {
        return inbox.size();
    }

    /** Waits for the server to close the connection; -1 if it dropped it without a close frame. */
    public int awaitClose() {
        return awaitClose(TIMEOUT);
    }

    public int awaitClose(Duration timeout) {
        return closeCode.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    /** Text fit for a failure message: at most 300 characters, control characters and lone surrogates escaped. */
    public static String clip(String text) {
        return visible(text.length() > 300 ? text.substring(0, 300) + "…(" + text.length() + " chars)" : text);
    }

    /** Control characters and lone surrogates escaped, so the text survives any console or report. */
    public static String visible(String shown) {
        StringBuilder out = new StringBuilder(shown.length());
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < shown.length()
                    && Character.isLowSurrogate(shown.charAt(i + 1));
            if (pair) {
                out.append(c).append(shown.charAt(++i));
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                inbox.add(partial.toString());
                partial.setLength(0);
            }
            if (paused) {
                synchronized (FrameClient.this) {
                    starved = true;
                }
                if (!paused) {
                    resumeReading();
                }
            } else {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            inbox.add("{\"type\":\"<binary frame from the server>\"}");
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
