package dev.livepad.history;

import dev.livepad.ot.Attribution;
import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.Rope;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.StoreException;
import dev.livepad.store.StoredOp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a room's history from the store. The text at revision K is the newest snapshot at or
 * before K plus the ops after it up to K, so with every revision kept it replays at most
 * {@code SNAPSHOT_EVERY} ops; attribution replays the log from its start (the empty text, or the
 * oldest kept snapshot, whose text is then by an unknown author). Ops are read in pages, so no
 * request holds more than a page of the log at once besides the text it builds.
 */
public final class Revisions {
    /** The most revisions one history request lists. */
    public static final int MAX_LIMIT = 1000;

    private static final int PAGE = 1000;

    private final DocumentStore store;
    private final MessageCodec codec;

    public Revisions(DocumentStore store, MessageCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** One revision as the history lists it: who made it, when, and how much it changed. */
    public record Revision(long rev, String clientId, String name, long time, int inserted, int deleted) {
    }

    /** Consecutive units of a text written by one author ({@code clientId} and {@code name} null when unknown). */
    public record Span(int length, String clientId, String name) {
    }

    /** The room's stored head revision. */
    public long head(String roomId) {
        Long head = store.heads(List.of(roomId)).get(roomId);
        if (head == null) {
            throw new ProtocolException(ErrorCode.NO_SUCH_ROOM, "no such room");
        }
        return head;
    }

    /** The text at revision {@code rev}; {@code bad_rev} beyond the head or before the kept history. */
    public Rope textAt(String roomId, long rev) {
        requireKept(roomId, rev);
        DocumentStore.Snapshot base = baseFor(roomId, rev);
        Rope[] text = {Rope.of(base.text())};
        replay(roomId, base.rev(), rev, (op, stored) -> text[0] = op.apply(text[0]));
        return text[0];
    }

    /** At most {@code limit} revisions below {@code before}, newest first. */
    public List<Revision> before(String roomId, long before, int limit) {
        long from = Math.max(0, Math.min(before, head(roomId) + 1) - 1 - limit);
        List<Revision> listed = new ArrayList<>();
        for (StoredOp stored : store.opsAfter(roomId, from, limit)) {
            if (stored.rev() >= before) {
                break;
            }
            TextOperation op = codec.decodeStoredOp(stored.opJson());
            listed.add(new Revision(stored.rev(), stored.clientId(), stored.name(), stored.timeMillis(),
                    op.insertedLength(), op.deletedLength()));
        }
        Collections.reverse(listed);
        return listed;
    }

    /** The text at {@code rev} cut into spans by author; the lengths add up to the text's length. */
    public List<Span> authors(String roomId, long rev) {
        requireKept(roomId, rev);
        DocumentStore.Snapshot base = oldestBase(roomId);
        List<Author> authors = new ArrayList<>(); // numbered in order of appearance
        Map<Author, Integer> numbers = new HashMap<>();
        Attribution[] text = {Attribution.of(base.text().length(), Attribution.UNKNOWN)};
        replay(roomId, base.rev(), rev, (op, stored) -> {
            Author author = new Author(stored.clientId(), stored.name());
            Integer number = numbers.computeIfAbsent(author, a -> {
                authors.add(a);
                return authors.size() - 1;
            });
            text[0] = text[0].apply(op, number);
        });
        List<Span> spans = new ArrayList<>(text[0].spanCount());
        for (int i = 0; i < text[0].spanCount(); i++) {
            int author = text[0].spanAuthor(i);
            Author who = author == Attribution.UNKNOWN ? new Author(null, null) : authors.get(author);
            spans.add(new Span(text[0].spanLength(i), who.clientId(), who.name()));
        }
        return spans;
    }

    private record Author(String clientId, String name) {
    }

    private void requireKept(String roomId, long rev) {
        long head = head(roomId);
        if (rev < 0 || rev > head) {
            throw new ProtocolException(ErrorCode.BAD_REV, "revision " + rev + " is beyond the head (" + head + ")");
        }
    }

    /** The newest state at or before {@code rev} to replay from; {@code bad_rev} when none is kept. */
    private DocumentStore.Snapshot baseFor(String roomId, long rev) {
        Optional<DocumentStore.Snapshot> snapshot = store.snapshotAtOrBefore(roomId, rev);
        if (snapshot.isPresent()) {
            return snapshot.get();
        }
        List<StoredOp> first = store.opsAfter(roomId, 0, 1);
        if (first.isEmpty() ? rev == 0 : first.get(0).rev() == 1) {
            return new DocumentStore.Snapshot(0, "");
        }
        throw new ProtocolException(ErrorCode.BAD_REV, "revision " + rev + " is no longer kept");
    }

    /** Where the kept log starts: the empty text, or the snapshot its first kept op follows. */
    private DocumentStore.Snapshot oldestBase(String roomId) {
        List<StoredOp> first = store.opsAfter(roomId, 0, 1);
        long firstRev = first.isEmpty() ? head(roomId) + 1 : first.get(0).rev();
        return firstRev == 1 ? new DocumentStore.Snapshot(0, "")
                : store.snapshotAtOrBefore(roomId, firstRev - 1).orElseThrow(() -> new StoreException(
                        "room " + roomId + ": its log starts at revision " + firstRev + " after no snapshot"));
    }

    /** Something done with each op of a replay. */
    @FunctionalInterface
    private interface Step {
        void accept(TextOperation op, StoredOp stored) throws InvalidOperationException;
    }

    /** Feeds the ops after {@code fromRev} up to {@code toRev} to {@code step}, in order, a page at a time. */
    private void replay(String roomId, long fromRev, long toRev, Step step) {
        long last = fromRev;
        while (last < toRev) {
            List<StoredOp> page = store.opsAfter(roomId, last, (int) Math.min(PAGE, toRev - last));
            if (page.isEmpty() || page.get(0).rev() != last + 1) {
                throw new StoreException("room " + roomId + ": its log has a gap after revision " + last);
            }
            for (StoredOp stored : page) {
                if (stored.rev() != last + 1) {
                    throw new StoreException("room " + roomId + ": its log has a gap after revision " + last);
                }
                try {
                    step.accept(codec.decodeStoredOp(stored.opJson()), stored);
                } catch (InvalidOperationException e) {
                    throw new StoreException("room " + roomId + ": revision " + stored.rev()
                            + " does not apply to the text before it: " + e.getMessage());
                }
                last = stored.rev();
            }
        }
    }
}
