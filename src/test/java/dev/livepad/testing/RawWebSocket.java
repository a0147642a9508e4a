package dev.livepad.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A WebSocket client on a bare {@link Socket}, for what a well-behaved client library will not
 * do: send invalid UTF-8, unmasked or fragmented frames, frames that lie about their length, or
 * stop reading with a tiny receive buffer so that the server's writes back up at once.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code /ws} and completes the upgrade; {@code receiveBuffer} 0 keeps the OS default. */
    public static RawWebSocket connect(int port, int receiveBuffer) {
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer); // before connect, so the window is small from the start
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            RawWebSocket ws = new RawWebSocket(socket);
            ws.handshake(port);
            return ws;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handshake(int port) throws IOException {
        String head = requestUpgrade(socket, "127.0.0.1:" + port, List.of());
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
    }

    /**
     * Sends an upgrade to {@code /ws} with the given extra header lines ("Name: value") on a
     * connected socket (from any local address, plain or TLS) and returns the response head.
     * After a 101, {@link #over} speaks WebSocket on the same socket.
     */
    public static String requestUpgrade(Socket socket, String host, List<String> headers) throws IOException {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        StringBuilder request = new StringBuilder("GET /ws HTTP/1.1\r\nHost: ").append(host)
                .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ")
                .append(Base64.getEncoder().encodeToString(key)).append("\r\nSec-WebSocket-Version: 13\r\n");
        headers.forEach(line -> request.append(line).append("\r\n"));
        socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return readHead(socket.getInputStream());
    }

    /** A WebSocket on a socket whose upgrade {@link #requestUpgrade} completed. */
    public static RawWebSocket over(Socket socket) throws IOException {
        return new RawWebSocket(socket);
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the response head: " + head);
            }
            head.write(b);
            if ((b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1)) {
                matched++;
            } else {
                matched = b == '\r' ? 1 : 0;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public void sendText(String text) {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** One frame exactly as given; {@code mask} false breaks RFC 6455 (clients must mask). */
    public void sendFrame(int opcode, boolean fin, byte[] payload, boolean mask) {
        sendHeader(opcode, fin, payload.length, mask);
        try {
            if (mask) {
                byte[] key = new byte[4];
                RANDOM.nextBytes(key);
                out.write(key);
                byte[] masked = payload.clone();
                for (int i = 0; i < masked.length; i++) {
                    masked[i] ^= key[i % 4];
                }
                out.write(masked);
            } else {
                out.write(payload);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Only a frame header announcing {@code length} bytes (which may never follow). */
    public void sendHeader(int opcode, boolean fin, long length, boolean mask) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write((fin ? 0x80 : 0) | opcode);
        int maskBit = mask ? 0x80 : 0;
        if (length < 126) {
            header.write(maskBit | (int) length);
        } else if (length <= 0xFFFF) {
            header.write(maskBit | 126);
            header.write((int) (length >>> 8));
            header.write((int) length);
        } else {
            header.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                header.write((int) (length >>> shift));
            }
        }
        try {
            out.write(header.toByteArray());
            if (mask && length == 0) {
                out.write(new byte[4]);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One frame from the server; {@code null} at end of stream. */
    public Frame readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }

    /**
     * Reads (and discards) frames until the server's close frame, returning its status code;
     * -1 if the connection ended without one (dropped or reset).
     */
    public int awaitClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Frame frame;
                try {
                    frame = readFrame();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (frame == null) {
                    return -1;
                }
                if (frame.opcode() == CLOSE) {
                    return frame.closeCode();
                }
            }
        } catch (IOException e) {
            return -1;
        }
        throw new AssertionError("the server did not close the connection within " + timeout);
    }

    public void setReadTimeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** A server frame. */
    public record Frame(int opcode, boolean fin, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }
}
