package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

/**
 * Abuse that ends a connection, each on a fresh throwaway connection with the close code it must
 * get: frames over the size limit however they arrive (one frame, multi-byte text, fragments, a
 * header announcing terabytes), binary frames, and framing that RFC 6455 forbids. Two cases that
 * must not close (exactly at the limit, a legal fragmented message) keep the limit honest.
 */
public final class ThrowawaySockets {
    public static final int CASES = 12;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final int port;
    private final int maxFrameBytes;
    private final Random random;

    public ThrowawaySockets(int port, int maxFrameBytes, Random random) {
        this.port = port;
        this.maxFrameBytes = maxFrameBytes;
        this.random = random;
    }

    /** The kind of case {@code index} (taken modulo {@link #CASES}). */
    public static String kind(int index) {
        return switch (Math.floorMod(index, CASES)) {
            case 0 -> "over-limit-ascii";
            case 1 -> "over-limit-in-bytes-not-chars";
            case 2 -> "exactly-at-limit";
            case 3 -> "binary-frame";
            case 4 -> "invalid-utf8";
            case 5 -> "fragments-over-limit";
            case 6 -> "unmasked-frame";
            case 7 -> "reserved-opcode";
            case 8 -> "continuation-without-start";
            case 9 -> "header-announcing-terabytes";
            case 10 -> "control-frame-over-125-bytes";
            default -> "legal-fragmented-message";
        };
    }

    /** Runs case {@code index}; returns null if the server did the right thing, else what it did. */
    public String run(int index) {
        return switch (Math.floorMod(index, CASES)) {
            case 0 -> viaClient(ping("x".repeat(maxFrameBytes - ping("").length() + 1 + random.nextInt(5000))), 1009);
            case 1 -> viaClient(ping("é".repeat(maxFrameBytes / 2 + 10 + random.nextInt(100))), 1009);
            case 2 -> exactlyAtLimit();
            case 3 -> binary();
            case 4 -> raw(ws -> ws.sendFrame(RawWebSocket.TEXT, true, invalidUtf8(), true), 1007);
            case 5 ->
                raw(
                        ws -> {
                            byte[] half = ("{\"type\":\"ping\",\"t\":\"" + "x".repeat(maxFrameBytes / 2 + 100))
                                    .getBytes(StandardCharsets.UTF_8);
                            ws.sendFrame(RawWebSocket.TEXT, false, half, true);
                            ws.sendFrame(
                                    RawWebSocket.CONTINUATION,
                                    false,
                                    "x".repeat(maxFrameBytes / 2 + 100).getBytes(),
                                    true);
                            ws.sendFrame(RawWebSocket.CONTINUATION, true, "\"}".getBytes(), true);
                        },
                        1009);
            case 6 -> raw(ws -> ws.sendFrame(RawWebSocket.TEXT, true, "{\"type\":\"ping\"}".getBytes(), false), 1002);
            case 7 -> raw(ws -> ws.sendFrame(0x3 + random.nextInt(5), true, "{}".getBytes(), true), 1002);
            case 8 ->
                raw(ws -> ws.sendFrame(RawWebSocket.CONTINUATION, true, "{\"type\":\"ping\"}".getBytes(), true), 1002);
            case 9 -> raw(ws -> ws.sendHeader(RawWebSocket.TEXT, true, 1L << 40, true), 1009);
            case 10 ->
                raw(ws -> ws.sendFrame(RawWebSocket.PING, true, new byte[126 + random.nextInt(100)], true), 1002);
            default -> legalFragments();
        };
    }

    private static String ping(String t) {
        return "{\"type\":\"ping\",\"t\":\"" + t + "\"}";
    }

    private String viaClient(String frame, int expected) {
        try (FrameClient client = FrameClient.connect(uri())) {
            client.sendAsync(frame);
            int code = client.awaitClose(WAIT);
            return code == expected ? null : "closed with " + code + " instead of " + expected;
        } catch (RuntimeException e) {
            return "failed: " + e;
        }
    }

    private String exactlyAtLimit() {
        String frame = ping("x".repeat(maxFrameBytes - ping("").length()));
        if (frame.getBytes(StandardCharsets.UTF_8).length != maxFrameBytes) {
            throw new IllegalStateException("miscounted: " + frame.length());
        }
        try (FrameClient client = FrameClient.connect(uri())) {
            client.send(frame);
            JsonNode reply = client.next();
            return "pong".equals(reply.path("type").asText()) ? null
                    : "a frame of exactly the limit got " + FrameClient.clip(reply.toString());
        } catch (AssertionError | RuntimeException e) {
            return "a frame of exactly the limit failed: " + e.getMessage();
        }
    }

    private String binary() {
        try (FrameClient client = FrameClient.connect(uri())) {
            client.sendBinary(new byte[1 + random.nextInt(100)]);
            int code = client.awaitClose(WAIT);
            return code == 1003 ? null : "closed with " + code + " instead of 1003";
        } catch (RuntimeException e) {
            return "failed: " + e;
        }
    }

    private byte[] invalidUtf8() {
        byte[][] bad = {{(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xC0, (byte) 0xAE}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        byte[] prefix = "{\"type\":\"ping\",\"t\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] middle = bad[random.nextInt(bad.length)];
        byte[] out = new byte[prefix.length + middle.length + 2];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(middle, 0, out, prefix.length, middle.length);
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }

    private String legalFragments() {
        try (RawWebSocket ws = RawWebSocket.connect(port, 0)) {
            ws.sendFrame(RawWebSocket.TEXT, false, "{\"type\":\"pi".getBytes(), true);
            ws.sendFrame(RawWebSocket.PING, true, "hi".getBytes(), true); // control frames may interleave
            ws.sendFrame(RawWebSocket.CONTINUATION, true, "ng\",\"t\":\"frag\"}".getBytes(), true);
            for (RawWebSocket.Frame frame = ws.readFrame(); frame != null; frame = ws.readFrame()) {
                if (frame.opcode() == RawWebSocket.TEXT) {
                    JsonNode reply = FrameClient.parse(frame.text());
                    return "frag".equals(reply.path("t").asText()) ? null : "a fragmented ping got " + reply;
                } else if (frame.opcode() == RawWebSocket.CLOSE) {
                    return "a legal fragmented message was closed with " + frame.closeCode();
                }
            }
            return "the connection ended without a reply";
        } catch (Exception | AssertionError e) {
            return "a legal fragmented message failed: " + e;
        }
    }

    private String raw(java.util.function.Consumer<RawWebSocket> abuse, int expected) {
        try (RawWebSocket ws = RawWebSocket.connect(port, 0)) {
            try {
                abuse.accept(ws);
            } catch (java.io.UncheckedIOException e) {
                // the server may close while the abuse is still being written
            }
            int code = ws.awaitClose(WAIT);
            return code == expected ? null : "closed with " + code + " instead of " + expected;
        } catch (RuntimeException e) {
            return "failed: " + e;
        }
    }

    private java.net.URI uri() {
        return java.net.URI.create("ws://127.0.0.1:" + port + "/ws");
    }
}
