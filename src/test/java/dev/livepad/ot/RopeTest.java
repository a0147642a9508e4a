package dev.livepad.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A rope must be indistinguishable from the String it stands for: every op applied to both gives
 * the same text or the same refusal, the old rope never changes, and the tree stays shallow and
 * unfragmented however it is edited. Documents mix ASCII, BMP characters and surrogate pairs, so
 * chunks also end inside pairs.
 */
class RopeTest {

    @Test
    void a_rope_reads_back_its_text() {
        Seeded.check(Seeded.CASES / 10, random -> {
            String doc = document(random);
            Rope rope = Rope.of(doc);
            rope.checkInvariants();
            assertEquals(doc.length(), rope.length());
            assertEquals(doc, rope.substring(0, rope.length()));
            assertEquals(doc, rope.toString());
            for (int i = 0; i < 20 && !doc.isEmpty(); i++) {
                int from = random.nextInt(doc.length() + 1);
                int to = from + random.nextInt(doc.length() - from + 1);
                assertEquals(doc.substring(from, to), rope.substring(from, to));
                int at = random.nextInt(doc.length());
                assertEquals(doc.charAt(at), rope.charAt(at));
            }
        });
    }

    @Test
    void small_ops_agree_with_apply_on_a_string() {
        // Many components over documents of a few chunks: most cuts fall inside chunks, some on their edges.
        Seeded.check(Seeded.CASES, random -> {
            String doc = random.nextInt(4) == 0 ? RandomOps.text(random, 12) : RandomOps.text(random, 3000);
            Rope rope = Rope.of(doc);
            TextOperation op = random.nextInt(10) == 0 ? invalid(random, doc) : RandomOps.op(random, doc);
            assertSameOutcome(doc, rope, op);
        });
    }

    @Test
    void long_edit_sessions_on_large_documents_agree_with_apply_on_a_string() {
        // 100k+ units over hundreds of chunks, edited again and again, so later ops meet chunks that earlier
        // ops cut, merged and rebalanced; cuts are drawn near chunk edges as often as anywhere else.
        Seeded.check(40, random -> {
            String doc = RandomOps.text(random, 20_000) + "x".repeat(100_000 + random.nextInt(50_000))
                    + RandomOps.text(random, 20_000);
            Rope rope = Rope.of(doc);
            for (int step = 0; step < 50; step++) {
                TextOperation op = sparseOp(random, doc, rope);
                if (random.nextInt(8) == 0) {
                    assertSameOutcome(doc, rope, invalid(random, doc));
                }
                Rope next = assertSameOutcome(doc, rope, op);
                doc = op.apply(doc);
                rope = next;
            }
        });
    }

    @Test
    void ops_that_empty_or_fill_a_document_agree_with_apply_on_a_string() {
        Seeded.check(Seeded.CASES / 10, random -> {
            String doc = document(random);
            Rope rope = Rope.of(doc);
            String big = RandomOps.text(random, 30_000);
            assertSameOutcome(doc, rope, TextOperation.builder().delete(doc.length()).build());
            assertSameOutcome(doc, rope, TextOperation.builder().delete(doc.length()).insert(big).build());
            assertSameOutcome(doc, rope, TextOperation.builder().insert(big).retain(doc.length()).build());
            assertSameOutcome(doc, rope, TextOperation.builder().retain(doc.length()).insert(big).build());
        });
    }

    @Test
    void an_op_that_changes_nothing_returns_the_same_rope() throws Exception {
        Rope rope = Rope.of("x".repeat(100_000));
        assertSame(rope, TextOperation.builder().retain(100_000).build().apply(rope));
        assertSame(Rope.EMPTY, TextOperation.EMPTY_FOR_EMPTY_DOC.apply(Rope.EMPTY));
    }

    @Test
    void random_keystrokes_keep_the_tree_balanced_and_unfragmented() throws Exception {
        Random random = new Random(12);
        String initial = "y".repeat(5_000);
        Rope rope = Rope.of(initial);
        StringBuilder expected = new StringBuilder(initial);
        for (int i = 0; i < 100_000; i++) {
            int at = random.nextInt(rope.length() + 1);
            String typed = String.valueOf((char) ('a' + random.nextInt(26)));
            rope = TextOperation.builder().retain(at).insert(typed).retain(rope.length() - at).build().apply(rope);
            expected.insert(at, typed);
            if (i % 1_000 == 0 && rope.length() > 10) { // and a few deletes, so chunks also shrink
                int from = random.nextInt(rope.length() - 10);
                rope = TextOperation.builder().retain(from).delete(10).retain(rope.length() - from - 10).build()
                        .apply(rope);
                expected.delete(from, from + 10);
            }
        }
        rope.checkInvariants();
        assertEquals(expected.toString(), rope.toString());
        int leaves = rope.leafCount();
        assertTrue(leaves <= rope.length() / Rope.MIN_LEAF, leaves + " chunks for " + rope.length() + " units");
        // An AVL tree of L leaves is at most 1.44 log2(L + 2) high.
        double bound = 1.45 * Math.log(leaves + 2) / Math.log(2);
        assertTrue(rope.height() <= bound, "height " + rope.height() + " for " + leaves + " chunks");
    }

    /** Applies {@code op} to both forms; returns the new rope, or the old one if both refused the op alike. */
    private static Rope assertSameOutcome(String doc, Rope rope, TextOperation op) throws Exception {
        String expected;
        try {
            expected = op.apply(doc);
        } catch (InvalidOperationException e) {
            InvalidOperationException fromRope = null;
            try {
                op.apply(rope);
            } catch (InvalidOperationException caught) {
                fromRope = caught;
            }
            assertTrue(fromRope != null, () -> "the rope took " + op + " which the string refused: " + e.getMessage());
            assertEquals(e.getMessage(), fromRope.getMessage());
            assertUnchanged(doc, rope);
            return rope;
        }
        Rope next = op.apply(rope);
        next.checkInvariants();
        assertEquals(expected.length(), next.length(), () -> "op=" + op);
        assertEquals(expected, next.substring(0, next.length()), () -> "op=" + op);
        assertEquals(expected, next.toString());
        assertTrue(next.length() < Rope.MIN_LEAF || next.leafCount() <= next.length() / Rope.MIN_LEAF,
                () -> next.leafCount() + " chunks for " + next.length() + " units");
        assertUnchanged(doc, rope);
        return next;
    }

    /** The old rope still holds {@code doc}, read afresh from its chunks rather than a cached string. */
    private static void assertUnchanged(String doc, Rope rope) {
        assertEquals(doc.length(), rope.length());
        assertEquals(doc, rope.substring(0, rope.length()), "the old rope changed");
    }

    private static String document(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> RandomOps.text(random, 12);
            case 2 -> RandomOps.text(random, 5_000);
            default -> RandomOps.text(random, 60_000);
        };
    }

    /**
     * A few edits spread over a large document, cut at random offsets or within two units of a
     * chunk edge of {@code rope}, moved off the middle of surrogate pairs.
     */
    private static TextOperation sparseOp(Random random, String doc, Rope rope) {
        List<Integer> cuts = new ArrayList<>();
        int edits = 1 + random.nextInt(12);
        for (int i = 0; i < edits && !doc.isEmpty(); i++) {
            int at = random.nextInt(doc.length() + 1);
            if (random.nextBoolean() && at < doc.length()) {
                at = (random.nextBoolean() ? rope.chunkStart(at) : rope.chunkEnd(at)) + random.nextInt(5) - 2;
                at = Math.max(0, Math.min(doc.length(), at));
            }
            if (Utf16.splitsPair(doc, at)) {
                at++;
            }
            cuts.add(at);
        }
        cuts.add(doc.length());
        cuts.sort(null);
        TextOperation.Builder b = TextOperation.builder();
        int pos = 0;
        for (int cut : cuts) {
            if (random.nextInt(3) == 0) {
                b.delete(cut - pos);
            } else {
                b.retain(cut - pos);
            }
            if (random.nextBoolean()) {
                b.insert(random.nextInt(20) == 0 ? RandomOps.text(random, 5_000) : RandomOps.text(random, 4));
            }
            pos = cut;
        }
        return b.build();
    }

    /** An op both forms must refuse: it is one unit too long or too short, or it cuts a surrogate pair. */
    private static TextOperation invalid(Random random, String doc) {
        int pair = doc.indexOf('\uD83D');
        if (pair >= 0 && random.nextBoolean()) {
            return TextOperation.builder().retain(pair + 1).insert("x").retain(doc.length() - pair - 1).build();
        }
        int length = doc.length() + (doc.isEmpty() || random.nextBoolean() ? 1 : -1);
        return TextOperation.builder().retain(length).insert("z").build();
    }
}
