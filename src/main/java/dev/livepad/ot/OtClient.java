package dev.livepad.ot;

import java.util.Objects;
import java.util.Optional;

/**
 * The client half of OT, ported from ot.js's client.js: at most one operation is in flight to the server and later
 * local edits are composed into a buffer until it is acknowledged. Not thread-safe.
 *
 * <p>The ot.js states map onto the fields: Synchronized when nothing is outstanding, AwaitingConfirm when only
 * {@code outstanding} is set, AwaitingWithBuffer when {@code buffer} is set as well.
 *
 * <p>The text is a {@link Rope}, as on the server, so an edit costs about the same on a megabyte as on a line: the
 * load generator runs dozens of these beside the server it measures, and copying a whole text per op would take
 * most of a core and the memory bandwidth the server shares with it.
 */
public final class OtClient {
    private long revision;
    private Rope text;
    private TextOperation outstanding; // sent, not yet acknowledged; based on the server document at revision
    private TextOperation buffer;      // local edits made after outstanding, based on outstanding's result

    /** A synchronized client holding {@code text} as of server revision {@code revision}. */
    public OtClient(long revision, String text) {
        this.revision = revision;
        this.text = Rope.of(Objects.requireNonNull(text, "text"));
    }

    /** The number of server operations this client has seen, including acknowledgements of its own. */
    public long revision() {
        return revision;
    }

    /** The local document, including edits the server has not confirmed yet; O(n). */
    public String text() {
        return text.toString();
    }

    /** Length of {@link #text()} in UTF-16 units; O(1). */
    public int length() {
        return text.length();
    }

    /**
     * Applies a local edit to {@link #text()}. Returns the operation to send now (tagged with {@link #revision()})
     * if nothing was in flight, otherwise empty because the edit was buffered. IllegalArgumentException if the edit
     * does not fit the text.
     */
    public Optional<TextOperation> applyLocal(TextOperation op) {
        text = applyTo(text, op, "local");
        if (outstanding == null) {
            outstanding = op;
            return Optional.of(op);
        }
        buffer = buffer == null ? op : buffer.compose(op);
        return Optional.empty();
    }

    /**
     * Applies another client's operation, as broadcast by the server, after transforming it past our unacknowledged
     * edits; those edits are transformed in turn so they stay valid on the server. Returns the operation applied to
     * the text.
     */
    public TextOperation applyServer(TextOperation op) {
        TextOperation newOutstanding = outstanding;
        TextOperation newBuffer = buffer;
        TextOperation local = op;
        if (outstanding != null) {
            TextOperation.Transformed pastOutstanding = TextOperation.transform(outstanding, local);
            newOutstanding = pastOutstanding.aPrime();
            local = pastOutstanding.bPrime();
        }
        if (buffer != null) {
            TextOperation.Transformed pastBuffer = TextOperation.transform(buffer, local);
            newBuffer = pastBuffer.aPrime();
            local = pastBuffer.bPrime();
        }
        text = applyTo(text, local, "server");
        outstanding = newOutstanding;
        buffer = newBuffer;
        revision++;
        return local;
    }

    /**
     * The server accepted our outstanding operation. Returns the buffered edits, which are now outstanding and must be
     * sent tagged with the new {@link #revision()}; empty if there were none and the client is synchronized again.
     */
    public Optional<TextOperation> serverAck() {
        if (outstanding == null) {
            throw new IllegalStateException("acknowledgement received but no operation is outstanding");
        }
        revision++;
        outstanding = buffer;
        buffer = null;
        return Optional.ofNullable(outstanding);
    }

    /** Moves a selection reported against the server's latest document into this client's local document. */
    public Selection transformSelection(Selection selection) {
        Selection moved = outstanding == null ? selection : selection.transform(outstanding);
        return buffer == null ? moved : moved.transform(buffer);
    }

    /** True if no local edit is waiting for acknowledgement. */
    public boolean isSynchronized() {
        return outstanding == null;
    }

    /** The operation sent to the server and not yet acknowledged, if any. */
    public Optional<TextOperation> outstanding() {
        return Optional.ofNullable(outstanding);
    }

    /** Local edits made while waiting for the acknowledgement, composed into one operation, if any. */
    public Optional<TextOperation> buffer() {
        return Optional.ofNullable(buffer);
    }

    private static Rope applyTo(Rope text, TextOperation op, String source) {
        try {
            return op.apply(text);
        } catch (InvalidOperationException e) {
            throw new IllegalArgumentException(source + " operation does not fit the client text: " + e.getMessage(),
                    e);
        }
    }
}
