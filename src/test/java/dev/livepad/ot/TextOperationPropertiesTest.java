package dev.livepad.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Randomized checks of the OT laws; documents mix ASCII, BMP characters and surrogate pairs. */
class TextOperationPropertiesTest {

    @Test
    void transform_converges() {
        Seeded.check(Seeded.CASES, random -> {
            String doc = RandomOps.text(random, 12);
            TextOperation a = RandomOps.op(random, doc);
            TextOperation b = RandomOps.op(random, doc);
            TextOperation.Transformed t = TextOperation.transform(a, b);
            String viaA = t.bPrime().apply(a.apply(doc));
            String viaB = t.aPrime().apply(b.apply(doc));
            assertEquals(viaA, viaB, () -> "doc=" + doc + " a=" + a + " b=" + b);
        });
    }

    @Test
    void transformed_ops_never_split_surrogate_pairs() {
        Seeded.check(Seeded.CASES, random -> {
            String doc = RandomOps.text(random, 12);
            TextOperation a = RandomOps.op(random, doc);
            TextOperation b = RandomOps.op(random, doc);
            TextOperation.Transformed t = TextOperation.transform(a, b);
            // validateAgainst throws if a cut falls inside a pair; inserts must stay free of lone surrogates too.
            t.aPrime().validateAgainst(b.apply(doc));
            t.bPrime().validateAgainst(a.apply(doc));
            assertEquals(t.aPrime(), TextOperation.fromComponents(t.aPrime().toComponents()));
            assertEquals(t.bPrime(), TextOperation.fromComponents(t.bPrime().toComponents()));
        });
    }

    @Test
    void moving_many_indices_at_once_agrees_with_moving_each() {
        Seeded.check(Seeded.CASES, random -> {
            String doc = RandomOps.text(random, 12);
            TextOperation op = RandomOps.op(random, doc);
            int[] indices = new int[random.nextInt(6)];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = random.nextInt(doc.length() + 1);
            }
            int[] moved = op.transformIndices(indices);
            for (int i = 0; i < indices.length; i++) {
                int index = indices[i];
                assertEquals(op.transformIndex(index), moved[i], () -> "doc=" + doc + " op=" + op + " index=" + index);
            }
        });
    }

    @Test
    void compose_agrees_with_sequential_apply() {
        Seeded.check(Seeded.CASES, random -> {
            String doc = RandomOps.text(random, 12);
            TextOperation a = RandomOps.op(random, doc);
            String afterA = a.apply(doc);
            TextOperation b = RandomOps.op(random, afterA);
            TextOperation ab = a.compose(b);
            assertEquals(b.apply(afterA), ab.apply(doc), () -> "doc=" + doc + " a=" + a + " b=" + b);
            assertEquals(ab, TextOperation.fromComponents(ab.toComponents()));
        });
    }

    @Test
    void different_splits_of_the_same_edit_build_equal_ops() {
        Seeded.check(Seeded.CASES, random -> {
            String doc = RandomOps.text(random, 12);
            List<RandomOps.Piece> pieces = RandomOps.pieces(random, doc);
            TextOperation op = RandomOps.build(pieces);
            TextOperation resplit = RandomOps.build(RandomOps.reshuffled(random, pieces));
            assertEquals(op, resplit, () -> "pieces=" + pieces);
            assertEquals(op.hashCode(), resplit.hashCode());
            assertEquals(op, TextOperation.fromComponents(op.toComponents()));
            assertCanonical(op);
        });
    }

    @Test
    void transform_index_stays_in_bounds_and_keeps_order() {
        Seeded.check(Seeded.CASES, random -> {
            String doc = RandomOps.text(random, 12);
            TextOperation op = RandomOps.op(random, doc);
            int previous = 0;
            for (int index = 0; index <= doc.length(); index++) {
                int moved = op.transformIndex(index);
                assertTrue(moved >= previous && moved <= op.targetLength(), () -> "op=" + op);
                previous = moved;
            }
        });
    }

    /** Normal form: no empty components, no two neighbours of one kind, never a delete directly before an insert. */
    private static void assertCanonical(TextOperation op) {
        List<Object> components = op.toComponents();
        for (int i = 0; i < components.size(); i++) {
            Object c = components.get(i);
            assertTrue(c instanceof String s ? !s.isEmpty() : (Integer) c != 0, () -> "empty component in " + op);
            if (i > 0) {
                Object prev = components.get(i - 1);
                assertNotEquals(kind(prev), kind(c), () -> "adjacent components of one kind in " + op);
                assertTrue(!(kind(prev) == 'd' && kind(c) == 'i'), () -> "delete before insert in " + op);
            }
        }
    }

    private static char kind(Object component) {
        if (component instanceof String) {
            return 'i';
        }
        return (Integer) component > 0 ? 'r' : 'd';
    }
}
