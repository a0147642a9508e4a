package dev.livepad.loadgen;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * One client WebSocket (RFC 6455) on a non-blocking channel, driven by a {@link WsLoops} thread: the HTTP upgrade,
 * masked text frames out, unmasked frames in (text, continuation, ping, close). {@link #send} may be called from
 * any thread: it writes straight to the socket when nothing is queued, so a keystroke needs no thread hand-off.
 */
final class WsConnection {
    private final SocketChannel channel;
    private final URI uri;
    private final WsListener listener;
    private final CompletableFuture<WsConnection> opened;
    private final Selector selector;
    private final String key = WsFrames.newKey();
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(); // guarded by this
    private SelectionKey selectionKey;
    private ByteBuffer in = ByteBuffer.allocate(4096);
    private int needed;
    private boolean upgraded;
    private byte[] fragments = new byte[0];
    private int fragmentLength;
    private boolean closeSent; // guarded by this
    private volatile boolean closed;

    WsConnection(SocketChannel channel, URI uri, WsListener listener, CompletableFuture<WsConnection> opened,
                 Selector selector) {
        this.channel = channel;
        this.uri = uri;
        this.listener = listener;
        this.opened = opened;
        this.selector = selector;
    }

    /** Queues one text message; false if the connection is closed. */
    boolean send(String text) {
        return write(WsFrames.masked(0x1, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Starts the closing handshake; the socket closes when the server answers. */
    void close() {
        synchronized (this) {
            if (closeSent || closed) {
                return;
            }
            closeSent = true;
        }
        write(WsFrames.masked(0x8, new byte[] {0x03, (byte) 0xE8})); // 1000, normal closure
    }

    /** Drops the socket at once. */
    void abort() {
        boolean wasOpen = !closed;
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (!opened.isDone()) {
            opened.completeExceptionally(new IOException("connection to " + uri + " closed before the upgrade"));
        } else if (wasOpen) {
            listener.onClose(1006);
        }
    }

    void register(Selector s) {
        try {
            selectionKey = channel.register(s, SelectionKey.OP_CONNECT, this);
        } catch (ClosedChannelException e) {
            abort();
        }
    }

    /** Called by the event loop when the channel can connect, write or read. */
    void ready(SelectionKey k) {
        try {
            if (k.isValid() && k.isConnectable()) {
                channel.finishConnect();
                k.interestOps(SelectionKey.OP_READ);
                write(ByteBuffer.wrap(WsFrames.upgradeRequest(uri, key).getBytes(StandardCharsets.ISO_8859_1)));
            }
            if (k.isValid() && k.isWritable()) {
                flush();
            }
            if (k.isValid() && k.isReadable()) {
                read();
            }
        } catch (IOException | RuntimeException e) {
            if (!opened.isDone()) {
                opened.completeExceptionally(e);
            }
            abort();
        }
    }

    private boolean write(ByteBuffer buffer) {
        boolean wake = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            try {
                if (out.isEmpty()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                closed = true;
                return false;
            }
            if (buffer.hasRemaining()) {
                out.add(buffer);
                if ((selectionKey.interestOps() & SelectionKey.OP_WRITE) == 0) {
                    selectionKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    wake = true;
                }
            }
        }
        if (wake) {
            selector.wakeup();
        }
        return true;
    }

    private synchronized void flush() throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer head = out.peek();
            channel.write(head);
            if (head.hasRemaining()) {
                return;
            }
            out.poll();
        }
        selectionKey.interestOps(SelectionKey.OP_READ);
    }

    private void read() throws IOException {
        needed = 0;
        int n = channel.read(in);
        long now = System.nanoTime();
        if (n < 0) {
            abort();
            return;
        }
        in.flip();
        if (!upgraded && !upgrade()) {
            in.compact();
            return;
        }
        while (!closed && parseFrame(now)) {
            // each call consumes one whole frame
        }
        in.compact();
        if (needed > in.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, in.capacity() * 2));
            in.flip();
            bigger.put(in);
            in = bigger;
        }
    }

    /** Reads the 101 response; false until all of it has arrived. */
    private boolean upgrade() throws IOException {
        String head = new String(in.array(), in.position(), in.remaining(), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (end < 0) {
            needed = in.remaining() == in.capacity() ? in.capacity() + 1 : 0;
            return false;
        }
        String expected = "sec-websocket-accept: " + WsFrames.accept(key).toLowerCase(Locale.ROOT);
        String lower = head.substring(0, end).toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http/1.1 101") || !lower.contains(expected)) {
            throw new IOException("upgrade refused: " + head.substring(0, Math.min(end, 200)));
        }
        in.position(in.position() + end + 4);
        upgraded = true;
        opened.complete(this);
        return true;
    }

    /** Consumes one complete frame from {@code in}; false if the next frame is not all here yet. */
    private boolean parseFrame(long now) throws IOException {
        int pos = in.position();
        if (in.remaining() < 2) {
            return false;
        }
        int b0 = in.get(pos) & 0xFF;
        int b1 = in.get(pos + 1) & 0xFF;
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126) {
            header = 4;
            length = in.remaining() < header ? -1 : in.getShort(pos + 2) & 0xFFFF;
        } else if (length == 127) {
            header = 10;
            length = in.remaining() < header ? -1 : in.getLong(pos + 2);
        }
        if ((b1 & 0x80) != 0 || length > Integer.MAX_VALUE / 2) {
            throw new IOException("bad frame from server");
        }
        if (length < 0 || in.remaining() < header + length) {
            needed = header + (int) Math.max(length, 0) + 16;
            return false;
        }
        in.position(pos + header + (int) length);
        frame(b0 & 0x0F, (b0 & 0x80) != 0, pos + header, (int) length, now);
        return true;
    }

    private void frame(int opcode, boolean fin, int offset, int length, long now) {
        byte[] data = in.array();
        switch (opcode) {
            case 0x1, 0x0 -> {
                if (fin && fragmentLength == 0) {
                    listener.onText(new String(data, offset, length, StandardCharsets.UTF_8), now);
                    return;
                }
                if (fragmentLength + length > fragments.length) {
                    fragments = Arrays.copyOf(fragments,
                            Math.max(fragmentLength + length, 2 * fragments.length));
                }
                System.arraycopy(data, offset, fragments, fragmentLength, length);
                fragmentLength += length;
                if (fin) {
                    String text = new String(fragments, 0, fragmentLength, StandardCharsets.UTF_8);
                    fragmentLength = 0;
                    listener.onText(text, now);
                }
            }
            case 0x8 -> {
                int status = length >= 2 ? (data[offset] & 0xFF) << 8 | (data[offset + 1] & 0xFF) : 1005;
                close();
                closed = true;
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                listener.onClose(status);
            }
            case 0x9 -> write(WsFrames.masked(0xA, Arrays.copyOfRange(data, offset, offset + length)));
            default -> { } // pong, binary: nothing to do
        }
    }
}
