package dev.livepad.loadgen;

import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.OtClient;
import dev.livepad.ot.TextOperation;
import java.io.IOException;
import java.net.URI;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One simulated member: a WebSocket joined to one room, running the client half of OT ({@link OtClient}: one op in
 * flight, later keystrokes composed until the ack). Each op's id carries its send time ({@link OpStamp}), so every
 * receiver measures end-to-end latency. Incoming messages arrive on the socket's event loop and keystrokes on a
 * timer thread, so the OT state is guarded by this object's lock. Any surprise is counted in the {@link Tally}.
 *
 * <p>A member that never types can {@link #follow} a witness: a member of its room that never types either, joined at
 * the same revision, and runs OT. The follower then only checks the order of what it receives and folds every op
 * frame into a digest; it has converged if its digest and revision equal the witness's, that is if it received the
 * very frames the witness applied. In {@code bigroom} that spares the generator OT for 949 of 1,000 members, on a
 * machine it shares with the server it measures.
 */
final class Editor implements WsListener {
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    final String room;
    final int index;
    private final Tally tally;
    private final SplittableRandom random;
    private final CompletableFuture<Editor> joined = new CompletableFuture<>();
    private WsConnection socket;
    private OtClient ot;
    private String outstandingId;
    private OpStamp outstanding;
    private long seq;
    private int audience;
    private int maxChars = Integer.MAX_VALUE;
    private boolean atCursor; // type at a cursor of our own rather than at random places
    private int cursor = -1; // where the next keystroke goes when atCursor; -1 until the first
    private volatile boolean closing;
    private volatile boolean broken;
    private long joinedRev = -1;
    private long rev = -1; // the last revision received, whether or not OT ran
    private long digest; // of the joined revision and text and of every op frame since, in order
    private Editor witness; // set: this member skips OT and converges with the witness (see the class comment)

    Editor(String room, int index, Tally tally) {
        this.room = room;
        this.index = index;
        this.tally = tally;
        this.random = new SplittableRandom(index * 7919L + room.hashCode());
    }

    /** Connects and joins; completes once {@code joined} has arrived. */
    CompletableFuture<Editor> open(WsLoops sockets, URI ws, String token) {
        return sockets.connect(ws, this).thenCompose(s -> {
            synchronized (this) {
                socket = s;
                send("{\"type\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token + "\",\"name\":\"lg"
                        + index + "\"}");
            }
            return joined;
        });
    }

    /**
     * How many others receive each op of ours, the document length at which typing turns to deleting, and whether
     * keystrokes go at a cursor (starting at a random place, moved by our own and others' edits) or at random places.
     */
    synchronized void configure(int audience, int maxChars, boolean atCursor) {
        this.audience = audience;
        this.maxChars = maxChars;
        this.atCursor = atCursor;
    }

    /** Skips OT from now on and converges with {@code witness}; see the class comment. */
    synchronized void follow(Editor witness) {
        this.witness = witness;
    }

    /** The revision this member joined at, -1 before it joined; followers and witnesses must share it. */
    synchronized long joinedAt() {
        return joinedRev;
    }

    /** One keystroke: insert a letter at the cursor or a random place, or delete one once the document is full. */
    void type() {
        synchronized (this) {
            if (ot == null || broken || closing) {
                return;
            }
            int length = ot.length();
            int at = atCursor && cursor >= 0 ? Math.min(cursor, length) : random.nextInt(length + 1);
            boolean delete = length >= maxChars && length > 0;
            TextOperation op = delete
                    ? TextOperation.builder().retain(Math.min(at, length - 1)).delete(1)
                            .retain(length - Math.min(at, length - 1) - 1).build()
                    : TextOperation.builder().retain(at)
                            .insert(String.valueOf(LETTERS.charAt(random.nextInt(LETTERS.length()))))
                            .retain(length - at).build();
            cursor = delete ? Math.min(at, length - 1) : at + 1;
            tally.current().keystrokes.increment();
            ot.applyLocal(op).ifPresent(this::sendOp);
        }
    }

    /** Inserts {@code text} at the end as one op, to seed a document; acked once {@link #isSynchronized()}. */
    synchronized void append(String text) {
        int length = ot.length();
        ot.applyLocal(TextOperation.builder().retain(length).insert(text).build()).ifPresent(this::sendOp);
    }

    synchronized boolean isSynchronized() {
        return ot != null && (witness != null || ot.isSynchronized());
    }

    /** The text, or for a follower its witness's if it received the same frames (else null: not converged). */
    synchronized String text() {
        if (witness != null) {
            return witness.received(rev, digest) ? witness.text() : null;
        }
        return ot == null ? null : ot.text();
    }

    synchronized long revision() {
        return rev;
    }

    // Lock order: a follower's lock, then its witness's; a witness never follows.
    private synchronized boolean received(long rev, long digest) {
        return this.rev == rev && this.digest == digest;
    }

    boolean isBroken() {
        return broken;
    }

    void close() {
        closing = true;
        WsConnection s;
        synchronized (this) {
            s = socket;
        }
        if (s != null) {
            s.close();
        }
    }

    /** Drops the socket without the closing handshake (after {@link #close()} had its chance). */
    void abort() {
        closing = true;
        WsConnection s;
        synchronized (this) {
            s = socket;
        }
        if (s != null) {
            s.abort();
        }
    }

    private void sendOp(TextOperation op) {
        Phase phase = tally.current();
        long now = System.nanoTime();
        outstandingId = OpStamp.id(tally.run, phase.name, index, ++seq, now);
        outstanding = new OpStamp(phase.name, now);
        phase.recordSent(audience);
        send("{\"type\":\"op\",\"room\":\"" + room + "\",\"rev\":" + ot.revision() + ",\"id\":\"" + outstandingId
                + "\",\"op\":" + op + "}");
    }

    private void send(String frame) {
        if (!socket.send(frame) && !closing) {
            tally.error("send_failed");
            broken = true;
        }
    }

    @Override
    public void onText(String message, long receivedNanos) {
        try {
            handle(Incoming.parse(message, !isFollower()), message, receivedNanos);
        } catch (IOException | InvalidOperationException | RuntimeException e) {
            fail("client_exception", e);
        }
    }

    private synchronized void handle(Incoming m, String message, long now) throws InvalidOperationException {
        switch (m.type() == null ? "" : m.type()) {
            case "joined" -> {
                ot = new OtClient(m.rev(), m.text());
                joinedRev = m.rev();
                rev = m.rev();
                digest = m.rev() * 31 + m.text().hashCode();
                joined.complete(this);
            }
            case "op" -> {
                expectNext(m);
                digest = digest * 0x100000001B3L + message.hashCode();
                if (witness == null) {
                    TextOperation applied = ot.applyServer(TextOperation.fromComponents(m.op()));
                    cursor = cursor < 0 ? cursor : applied.transformIndex(cursor);
                }
                OpStamp stamp = OpStamp.parse(tally.run, m.id());
                Phase phase = tally.phaseOf(stamp);
                if (phase != null) {
                    phase.recordDelivery(stamp.sentNanos(), now);
                }
            }
            case "ack" -> acked(m, now);
            case "error" -> {
                tally.error(m.code() == null ? "error" : m.code());
                if (!joined.isDone()) {
                    joined.completeExceptionally(new IllegalStateException("join refused: " + message));
                }
                if (outstandingId != null && outstandingId.equals(m.ref())) {
                    broken = true; // the op was refused: this editor can no longer stay in step
                }
            }
            case "closed" -> fail("room_closed", null);
            default -> { } // presence, cursor, pong, left
        }
    }

    private void acked(Incoming m, long now) {
        if (outstandingId == null || !outstandingId.equals(m.id())) {
            fail("unexpected_ack", null);
            return;
        }
        expectNext(m);
        Phase phase = tally.phaseOf(outstanding);
        if (phase != null) {
            phase.recordAck(outstanding.sentNanos(), now);
        }
        outstandingId = null;
        outstanding = null;
        ot.serverAck().ifPresent(this::sendOp);
    }

    private void expectNext(Incoming m) {
        if (m.rev() != rev + 1) {
            fail("rev_gap", null);
        }
        rev = m.rev();
    }

    private synchronized boolean isFollower() {
        return witness != null;
    }

    private void fail(String kind, Throwable cause) {
        if (closing) {
            return;
        }
        broken = true;
        tally.error(kind);
        if (cause != null && tally.errorCount() <= 3) {
            System.err.println("loadgen: " + kind + " in " + room + "/" + index + ": " + cause);
        }
        joined.completeExceptionally(new IllegalStateException(kind, cause));
    }

    @Override
    public void onClose(int statusCode) {
        if (!closing) {
            fail("closed_" + statusCode, null);
        }
    }
}
