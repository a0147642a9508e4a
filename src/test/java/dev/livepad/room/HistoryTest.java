package dev.livepad.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.livepad.ot.Selection;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ServerMessages.HistoryOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The packed history against the plainest model of what it keeps: a queue of op objects bounded by
 * count and weight. Seeded random adds, truncations and queries drive both through ring growth,
 * wrap-around, shrinking and id-table rebuilds; the seed is in every failure message.
 */
class HistoryTest {
    private static final String[] IDS = new String[40];
    private static final String[] CLIENTS = {null, "c1", "client-with-a-longer-id", "é"};

    static {
        for (int i = 0; i < IDS.length; i++) {
            IDS[i] = i % 7 == 0 ? "op-\uD83D\uDE00-" + i : "id." + i + ".x".repeat(i % 5);
        }
    }

    /** What the history promises, kept as objects. */
    private static final class Model {
        final int maxOps;
        final long maxWeight;
        final ArrayDeque<HistoryOp> ops = new ArrayDeque<>();
        final List<Long> fingerprints = new ArrayList<>();
        long head;
        long weight;

        Model(int maxOps, long maxWeight, long base) {
            this.maxOps = maxOps;
            this.maxWeight = maxWeight;
            this.head = base;
        }

        void add(HistoryOp op, long fingerprint) {
            ops.addLast(op);
            fingerprints.add(fingerprint);
            weight += History.weight(op.op(), op.id(), op.clientId());
            head = op.rev();
            while (ops.size() > maxOps || (weight > maxWeight && ops.size() > 1)) {
                HistoryOp dropped = ops.removeFirst();
                fingerprints.remove(0);
                weight -= History.weight(dropped.op(), dropped.id(), dropped.clientId());
            }
        }

        void truncateAfter(long rev) {
            while (!ops.isEmpty() && ops.peekLast().rev() > rev) {
                HistoryOp dropped = ops.removeLast();
                fingerprints.remove(fingerprints.size() - 1);
                weight -= History.weight(dropped.op(), dropped.id(), dropped.clientId());
            }
            head = Math.min(head, rev);
        }

        long oldest() {
            return ops.isEmpty() ? head : ops.peekFirst().rev() - 1;
        }

        List<HistoryOp> since(long rev) {
            return ops.stream().filter(o -> o.rev() > rev).toList();
        }

        long revOf(String id) {
            long found = -1;
            for (HistoryOp op : ops) {
                if (op.id().equals(id)) {
                    found = op.rev();
                }
            }
            return found;
        }
    }

    @Test
    void packed_history_matches_the_object_model_through_random_adds_truncations_and_queries() {
        long seed = Long.getLong("history.seed", 20261203L);
        for (int round = 0; round < 60; round++) {
            long roundSeed = seed + round;
            try {
                run(new Random(roundSeed));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + roundSeed + " (rerun with -Dhistory.seed=" + roundSeed + ")", e);
            }
        }
    }

    private static void run(Random random) {
        int maxOps = 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
        long maxWeight = random.nextInt(4) == 0 ? 400 + random.nextInt(4000) : Long.MAX_VALUE;
        long base = random.nextInt(3) == 0 ? random.nextInt(1000) : 0;
        History history = new History(maxOps, maxWeight, base);
        Model model = new Model(maxOps, maxWeight, base);
        StringBuilder text = new StringBuilder();
        List<String> texts = new ArrayList<>(); // texts.get(i): the text at revision base + i + 1
        for (int step = 0; step < 1500; step++) {
            if (random.nextInt(40) == 0 && model.head > base) {
                long to = model.head - 1 - random.nextInt((int) Math.min(5, model.head - base));
                history.truncateAfter(to);
                model.truncateAfter(to);
                text.setLength(0);
                text.append(texts.isEmpty() ? "" : textAt(texts, base, to));
                while (texts.size() > to - base) {
                    texts.remove(texts.size() - 1);
                }
            } else {
                TextOperation op = randomOp(random, text.length());
                String id = IDS[random.nextInt(IDS.length)];
                HistoryOp entry = new HistoryOp(model.head + 1, op, CLIENTS[random.nextInt(CLIENTS.length)], id);
                long fingerprint = random.nextLong();
                history.add(entry, fingerprint, 10 + random.nextInt(100));
                model.add(entry, fingerprint);
                String next = apply(op, text.toString());
                text.setLength(0);
                text.append(next);
                texts.add(next);
            }
            check(history, model, random, text.length());
        }
    }

    private static String textAt(List<String> texts, long base, long rev) {
        return rev == base ? "" : texts.get((int) (rev - base - 1));
    }

    private static void check(History history, Model model, Random random, int length) {
        assertEquals(model.head, history.headRev(), "head");
        assertEquals(model.oldest(), history.oldestKnownRev(), "oldest");
        assertEquals(model.weight, history.weight(), "weight");
        for (int i = 0; i < 3; i++) {
            long rev = model.oldest() + random.nextInt((int) (model.head - model.oldest() + 1));
            List<HistoryOp> expected = model.since(rev);
            assertEquals(expected, history.since(rev), "since " + rev);
            assertEquals(expected.stream().mapToLong(o -> o.op().componentCount()).sum(),
                    history.componentsSince(rev), "components since " + rev);
            assertEquals(expected.isEmpty() ? length : expected.get(0).op().baseLength(),
                    history.lengthAt(rev, length), "length at " + rev);
            assertEquals(expected.isEmpty() ? null : expected.get(0).id(), history.idAt(rev + 1), "id at " + rev);
            Selection moved = history.moveToHead(rev, Selection.cursor(0));
            Selection reference = Selection.cursor(0);
            for (HistoryOp op : expected) {
                reference = reference.transform(op.op());
            }
            assertEquals(reference, moved, "cursor moved from " + rev);
        }
        for (String id : IDS) {
            long rev = model.revOf(id);
            assertEquals(rev, history.revOf(id), "revision of id " + id);
            if (rev >= 0) {
                int index = (int) (rev - model.ops.peekFirst().rev());
                assertEquals(model.fingerprints.get(index), history.fingerprintAt(rev), "fingerprint of " + rev);
            }
        }
        assertEquals(-1, history.revOf("never used"));
    }

    private static TextOperation randomOp(Random random, int length) {
        TextOperation.Builder op = TextOperation.builder();
        int left = length;
        while (left > 0 || random.nextInt(3) == 0) {
            switch (random.nextInt(left > 0 ? 3 : 1)) {
                case 0 -> op.insert(random.nextInt(6) == 0 ? "\u4E2D\u00E9" : "abcdefgh".substring(0,
                        1 + random.nextInt(random.nextInt(10) == 0 ? 8 : 2)));
                case 1 -> {
                    int n = 1 + random.nextInt(Math.min(left, 4));
                    op.delete(n);
                    left -= n;
                }
                default -> {
                    int n = 1 + random.nextInt(left);
                    op.retain(n);
                    left -= n;
                }
            }
            if (left == 0 && random.nextBoolean()) {
                break;
            }
        }
        return op.build();
    }

    private static String apply(TextOperation op, String text) {
        try {
            return op.apply(text);
        } catch (dev.livepad.ot.InvalidOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void an_op_must_be_the_next_revision() {
        History history = new History(10, Long.MAX_VALUE, 5);
        TextOperation op = TextOperation.builder().insert("x").build();
        assertThrows(IllegalArgumentException.class, () -> history.add(new HistoryOp(7, op, "c", "a"), 0, 1));
        history.add(new HistoryOp(6, op, "c", "a"), 0, 1);
        assertEquals(6, history.revOf("a"));
    }
}
