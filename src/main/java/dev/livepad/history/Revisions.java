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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads a room's history from the store. The text at revision K is the newest snapshot at or
 * before K plus the ops after it up to K, so with every revision kept it replays at most one
 * snapshot interval ({@code SNAPSHOT_EVERY} ops, more for large texts, see
 * {@link dev.livepad.room.RoomSettings#snapshotInterval}); attribution replays the log from
 * its start (the empty text, or the oldest kept snapshot, whose text is then by an unknown
 * author). Ops are read in pages, so no request holds more than a page of the log at once
 * besides the text it builds.
 */
public final class Revisions {
    /** The most revisions one history request lists. */
    public static final int MAX_LIMIT = 1000;

    private static final int PAGE = 1000;
    /** How often a replay for authorship leaves a checkpoint behind, in revisions. */
    private static final int CHECKPOINT_EVERY = 1000;
    /** What all checkpoints may weigh together (estimated). */
    private static final long CHECKPOINT_BYTES = 16L << 20;

    private final DocumentStore store;
    private final MessageCodec codec;
    /** Authorship checkpoints by room id, the room used least recently first. */
    private final LinkedHashMap<String, TreeMap<Long, Checkpoint>> checkpoints = new LinkedHashMap<>(16, 0.75f, true);
    private long checkpointBytes;

    private final int checkpointEvery;

    public Revisions(DocumentStore store, MessageCodec codec) {
        this(store, codec, CHECKPOINT_EVERY);
    }

    /** With authorship checkpoints every {@code checkpointEvery} revisions (tests use small ones). */
    Revisions(DocumentStore store, MessageCodec codec, int checkpointEvery) {
        this.store = store;
        this.codec = codec;
        this.checkpointEvery = checkpointEvery;
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

    /**
     * The text at {@code rev} cut into spans by author; the lengths add up to the text's length.
     * Replays from the nearest checkpoint at or before {@code rev} (one is kept every
     * {@code CHECKPOINT_EVERY} revisions a replay passes), else from the start of the kept log.
     */
    public List<Span> authors(String roomId, long rev) {
        requireKept(roomId, rev);
        Checkpoint start = checkpointAtOrBefore(roomId, rev);
        if (start == null) {
            DocumentStore.Snapshot base = oldestBase(roomId);
            start = new Checkpoint(base.rev(), Attribution.of(base.text().length(), Attribution.UNKNOWN), List.of());
        }
        List<Author> authors = new ArrayList<>(start.authors()); // numbered in order of appearance
        Map<Author, Integer> numbers = new HashMap<>();
        for (int i = 0; i < authors.size(); i++) {
            numbers.put(authors.get(i), i);
        }
        Attribution[] text = {start.text()};
        replay(roomId, start.rev(), rev, (op, stored) -> {
            Integer number = numbers.computeIfAbsent(new Author(stored.clientId(), stored.name()), a -> {
                authors.add(a);
                return authors.size() - 1;
            });
            text[0] = text[0].apply(op, number);
            if (stored.rev() % checkpointEvery == 0) {
                remember(roomId, new Checkpoint(stored.rev(), text[0], List.copyOf(authors)));
            }
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

    /** The attribution at a revision, with the authors its numbers stand for. */
    private record Checkpoint(long rev, Attribution text, List<Author> authors) {
        long bytes() {
            return 64 + 8L * text.spanCount() + 64L * authors.size();
        }
    }

    private synchronized Checkpoint checkpointAtOrBefore(String roomId, long rev) {
        TreeMap<Long, Checkpoint> room = checkpoints.get(roomId);
        Map.Entry<Long, Checkpoint> found = room == null ? null : room.floorEntry(rev);
        return found == null ? null : found.getValue();
    }

    /** Keeps a checkpoint; the rooms used least recently go first once all weigh {@link #CHECKPOINT_BYTES}. */
    private synchronized void remember(String roomId, Checkpoint checkpoint) {
        Checkpoint replaced = checkpoints.computeIfAbsent(roomId, id -> new TreeMap<>())
                .put(checkpoint.rev(), checkpoint);
        checkpointBytes += checkpoint.bytes() - (replaced == null ? 0 : replaced.bytes());
        Iterator<Map.Entry<String, TreeMap<Long, Checkpoint>>> oldest = checkpoints.entrySet().iterator();
        while (checkpointBytes > CHECKPOINT_BYTES && oldest.hasNext()) {
            Map.Entry<String, TreeMap<Long, Checkpoint>> room = oldest.next();
            if (room.getKey().equals(roomId)) {
                continue;
            }
            checkpointBytes -= room.getValue().values().stream().mapToLong(Checkpoint::bytes).sum();
            oldest.remove();
        }
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
