package dev.livepad.room;

import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.Rope;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.protocol.ServerMessages;
import dev.livepad.protocol.ServerMessages.HistoryOp;
import java.util.List;
import java.util.OptionalLong;

/**
 * The synchronous heart of a room, as ot.js's server: recognise a retry by its id, check the
 * revision is in the kept history, transform the op past every op since, apply it, append it.
 * It sends, stores and orders nothing; it says what happened, and its caller (the room) sends
 * the ack and broadcast, stores the op and keeps the order. Not thread-safe: one room's
 * executor owns it. The text is a {@link Rope}, so an op costs the same on a megabyte as on a
 * line, and a copy of the text (for a snapshot, or to roll back to) is a reference.
 */
final class DocumentCore {
    /**
     * An op applied as {@code entry.rev()}, with its wire form. {@code atCommitted} is the client's
     * op transformed only past the committed ops (see {@link #apply(String, String, long,
     * TextOperation, long, long)}), or null when it was not asked for.
     */
    record Applied(HistoryOp entry, String opJson, TextOperation atCommitted) {
        Applied(HistoryOp entry, String opJson) {
            this(entry, opJson, null);
        }
    }

    private final String room;
    private final History history;
    private final int maxDocChars;
    private Rope text;

    DocumentCore(String room, Rope text, History history, int maxDocChars) {
        this.room = room;
        this.text = text;
        this.history = history;
        this.maxDocChars = maxDocChars;
    }

    /** The text as a String: O(n), for replies and exports that need one, never per op. */
    String text() {
        return text.toString();
    }

    /** The text as it is now; it stays so however the core changes later. O(1). */
    Rope textRope() {
        return text;
    }

    /** Length of the text in UTF-16 units. */
    int length() {
        return text.length();
    }

    History history() {
        return history;
    }

    /**
     * The revision of the kept op this message retries, or empty if its id is new. A known id is
     * a retry only when the op and its revision are the first message's too ({@code fingerprint});
     * any other op under that id is {@code bad_request}, so two clients that pick one id never
     * lose an edit. Ops stored before fingerprints were kept are taken on trust, as they were.
     */
    OptionalLong retryOf(String opId, long fingerprint) {
        long seen = history.revOf(opId);
        if (seen < 0) {
            return OptionalLong.empty();
        }
        long kept = history.fingerprintAt(seen);
        if (kept != OpFingerprint.UNKNOWN && kept != fingerprint) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "op id " + opId + " was already used in room "
                    + room + " for a different op; send this op under a new id");
        }
        return OptionalLong.of(seen);
    }

    /**
     * Applies an op that another instance already stored as the next revision; it needs no
     * transform, since that instance ordered it after everything this core holds.
     *
     * @throws IllegalStateException when it is not the next revision or does not fit the text:
     *     the shared log and this core disagree, and the room must reload
     */
    Applied applyStored(long rev, TextOperation op, String opJson, String clientId, String opId, long fingerprint) {
        if (rev != history.headRev() + 1) {
            throw new IllegalStateException("room " + room + ": stored op " + rev + " does not follow "
                    + history.headRev());
        }
        try {
            text = op.apply(text);
        } catch (InvalidOperationException e) {
            throw new IllegalStateException("room " + room + ": stored op " + rev + " does not apply: "
                    + e.getMessage(), e);
        }
        HistoryOp entry = new HistoryOp(rev, op, clientId, opId);
        history.add(entry, fingerprint, opJson.length());
        return new Applied(entry, opJson);
    }

    /** Forgets the ops after {@code rev}, going back to {@code textAtRev}: a batch that lost its revisions. */
    void rollBack(long rev, Rope textAtRev) {
        history.truncateAfter(rev);
        text = textAtRev;
    }

    /** What transforming an op of {@code components} made at {@code rev} costs, in steps. */
    long transformSteps(long rev, int components) {
        return history.covers(rev)
                ? (long) components * (history.headRev() - rev) + history.componentsSince(rev) : 0;
    }

    /**
     * Transforms {@code op}, made at {@code rev}, past every op since, applies it and appends it
     * to the history as the next revision. Refuses with {@code bad_rev}, {@code bad_op} or
     * {@code doc_too_large}, changing nothing.
     */
    Applied apply(String clientId, String opId, long rev, TextOperation op, long fingerprint) {
        return apply(clientId, opId, rev, op, fingerprint, Long.MAX_VALUE);
    }

    /**
     * {@link #apply(String, String, long, TextOperation, long)}, also keeping the op as it was once
     * transformed past the ops up to {@code committedRev} and before the later (tentative) ones:
     * from there a cluster's store rebases it past another instance's ops in the order the log
     * will hold them, as ot.js clients will transform (see {@link Rebase}).
     */
    Applied apply(String clientId, String opId, long rev, TextOperation op, long fingerprint, long committedRev) {
        if (!history.covers(rev)) {
            throw new ProtocolException(ErrorCode.BAD_REV, rev > history.headRev()
                    ? "revision " + rev + " is in the future (head is " + history.headRev() + ")"
                    : "revision " + rev + " is older than the kept history; rejoin to resync");
        }
        List<HistoryOp> concurrent = history.since(rev);
        int baseLength = history.lengthAt(rev, text.length());
        if (op.baseLength() != baseLength) {
            throw new ProtocolException(ErrorCode.BAD_OP, "op covers " + op.baseLength()
                    + " units but the document had " + baseLength + " at revision " + rev);
        }
        int committed = 0;
        while (committed < concurrent.size() && concurrent.get(committed).rev() <= committedRev) {
            committed++;
        }
        TextOperation atCommitted = History.transformAgainst(op, concurrent.subList(0, committed));
        TextOperation transformed = History.transformAgainst(atCommitted, concurrent.subList(committed,
                concurrent.size()));
        if (transformed.targetLength() > maxDocChars && transformed.targetLength() > transformed.baseLength()) {
            throw new ProtocolException(ErrorCode.DOC_TOO_LARGE, "the document would exceed " + maxDocChars
                    + " characters");
        }
        Rope next;
        try {
            next = transformed.apply(text);
        } catch (InvalidOperationException e) {
            throw new ProtocolException(ErrorCode.BAD_OP, e.getMessage());
        }
        HistoryOp entry = new HistoryOp(history.headRev() + 1, transformed, clientId, opId);
        String opJson = ServerMessages.opJson(transformed);
        text = next;
        history.add(entry, fingerprint, opJson.length());
        return new Applied(entry, opJson, atCommitted);
    }
}
