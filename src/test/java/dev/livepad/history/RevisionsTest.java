package dev.livepad.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.Json;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.protocol.ServerMessages;
import dev.livepad.store.RoomRecord;
import dev.livepad.store.SqliteDocumentStore;
import dev.livepad.store.StoredOp;
import dev.livepad.testing.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties of a room's history as read from a real SQLite file, over random edits by three
 * authors (a fixed seed, printed on failure): the text at every revision is the replay of the log
 * from the nearest snapshot, and the authorship spans at every revision cover its text exactly,
 * each span holding only what its author typed (each author types only its own letter), whether
 * replayed from the start or from a checkpoint.
 */
class RevisionsTest {
    private static final MessageCodec CODEC = new MessageCodec(Json.mapper(1 << 20), 10_000);
    private static final int REVISIONS = 400;
    private static final int SNAPSHOT_EVERY = 7;

    @TempDir
    Path dir;

    private SqliteDocumentStore store;
    private Revisions revisions;
    private RoomRecord room;

    @BeforeEach
    void open() {
        store = SqliteDocumentStore.open(dir);
        revisions = new Revisions(store, CODEC, 16); // checkpoints every 16 revisions, used by later reads
        room = new RoomRecord("history", "room-1", System.currentTimeMillis(), 0);
        store.createRoom(room);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void every_revision_reads_back_as_written_and_is_attributed_to_its_authors() {
        long seed = Seeds.seed(1_503);
        Seeds.replayable(RevisionsTest.class, seed, () -> {
            List<String> texts = write(new Random(seed), Integer.MAX_VALUE);
            for (int rev = 0; rev <= REVISIONS; rev++) {
                String text = texts.get(rev);
                assertEquals(text, revisions.textAt(room.id(), rev).toString(), "text at revision " + rev);
                int at = 0;
                for (Revisions.Span span : revisions.authors(room.id(), rev)) {
                    assertTrue(span.length() > 0, "an empty span at revision " + rev);
                    String part = text.substring(at, at + span.length());
                    String letter = span.name().substring(0, 1);
                    assertEquals(letter.repeat(part.length()), part,
                            "span at " + at + " of revision " + rev + " is by " + span.name());
                    assertEquals("client-" + letter, span.clientId());
                    at += span.length();
                }
                assertEquals(text.length(), at, "spans cover the text at revision " + rev);
            }
            Revisions uncached = new Revisions(store, CODEC, Integer.MAX_VALUE);
            for (int rev = REVISIONS; rev >= 0; rev -= 13) {
                assertEquals(uncached.authors(room.id(), rev), revisions.authors(room.id(), rev),
                        "a replay from a checkpoint attributes revision " + rev + " as one from the start");
            }
        });
    }

    @Test
    void the_history_lists_what_each_revision_changed_newest_first() {
        long seed = Seeds.seed(77);
        Seeds.replayable(RevisionsTest.class, seed, () -> {
            List<String> texts = write(new Random(seed), Integer.MAX_VALUE);
            List<Revisions.Revision> page = revisions.before(room.id(), 101, 30);
            assertEquals(30, page.size());
            for (int i = 0; i < page.size(); i++) {
                Revisions.Revision r = page.get(i);
                assertEquals(100 - i, r.rev());
                int lengthChange = texts.get((int) r.rev()).length() - texts.get((int) r.rev() - 1).length();
                assertEquals(lengthChange, r.inserted() - r.deleted(), "revision " + r.rev());
                assertEquals(r.clientId(), "client-" + r.name().charAt(0));
            }
            assertEquals(REVISIONS, revisions.before(room.id(), Long.MAX_VALUE, 1).get(0).rev());
            assertEquals(List.of(), revisions.before(room.id(), 1, 10));
        });
    }

    @Test
    void with_a_retention_limit_older_revisions_are_refused_and_their_text_has_no_known_author() {
        long seed = Seeds.seed(9);
        Seeds.replayable(RevisionsTest.class, seed, () -> {
            int keep = 50;
            List<String> texts = write(new Random(seed), keep);
            // The last save (at 399) kept the newest snapshot with at least 50 ops after it, and what follows.
            int lastSave = REVISIONS / SNAPSHOT_EVERY * SNAPSHOT_EVERY;
            int oldest = (lastSave - keep) / SNAPSHOT_EVERY * SNAPSHOT_EVERY;
            for (int rev : new int[] {0, 3, oldest - 1}) {
                ProtocolException refused = assertThrows(ProtocolException.class,
                        () -> revisions.textAt(room.id(), rev));
                assertEquals(ErrorCode.BAD_REV, refused.code());
            }
            for (int rev = oldest; rev <= REVISIONS; rev++) {
                assertEquals(texts.get(rev), revisions.textAt(room.id(), rev).toString(), "text at " + rev);
                List<Revisions.Span> spans = revisions.authors(room.id(), rev);
                assertEquals(texts.get(rev).length(), spans.stream().mapToInt(Revisions.Span::length).sum());
            }
            List<Revisions.Span> base = revisions.authors(room.id(), oldest);
            assertEquals(texts.get(oldest).isEmpty() ? 0 : 1, base.size(), "the oldest kept text is one span");
            base.forEach(span -> assertNull(span.clientId(), "by nobody known"));
            base.forEach(span -> assertNull(span.name()));
        });
        ProtocolException beyond = assertThrows(ProtocolException.class,
                () -> revisions.textAt(room.id(), REVISIONS + 1));
        assertEquals(ErrorCode.BAD_REV, beyond.code());
    }

    /**
     * Stores {@link #REVISIONS} random ops by authors "alice", "bob" and "carol" (each inserts only
     * its initial), a snapshot every {@link #SNAPSHOT_EVERY} keeping {@code keepOps}; returns the
     * text at each revision.
     */
    private List<String> write(Random random, int keepOps) throws InvalidOperationException {
        String[] names = {"alice", "bob", "carol"};
        List<String> texts = new ArrayList<>(List.of(""));
        String text = "";
        for (int rev = 1; rev <= REVISIONS; rev++) {
            String name = names[random.nextInt(names.length)];
            TextOperation op = randomOp(random, text, name.substring(0, 1));
            text = op.apply(text);
            texts.add(text);
            store.append(room.id(), new StoredOp(rev, ServerMessages.opJson(op), "op-" + rev,
                    "client-" + name.charAt(0), rev, 0, name)).join();
            if (rev % SNAPSHOT_EVERY == 0) {
                store.saveSnapshot(room.id(), rev, text, keepOps);
            }
        }
        return texts;
    }

    /** Retains, deletes and inserts of {@code letter} at random places, covering {@code text}. */
    private static TextOperation randomOp(Random random, String text, String letter) {
        TextOperation.Builder op = TextOperation.builder();
        int at = 0;
        while (at < text.length()) {
            int n = 1 + random.nextInt(Math.min(8, text.length() - at));
            switch (random.nextInt(4)) {
                case 0 -> op.delete(n);
                case 1 -> op.insert(letter.repeat(1 + random.nextInt(3))).retain(n);
                default -> op.retain(n);
            }
            at += n;
        }
        return op.insert(letter.repeat(random.nextInt(3))).build();
    }
}
