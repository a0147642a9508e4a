package dev.livepad.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Attribution} against the obvious model, an author per unit, over random ops from a
 * fixed seed (printed on failure): after every op the spans expand to exactly the model's
 * authors, their lengths add up to the text's, and no two neighbours share an author.
 */
class AttributionTest {

    @Test
    void spans_follow_every_unit_through_random_ops() {
        long seed = Seeds.seed(20_261_203);
        Seeds.replayable(AttributionTest.class, seed, () -> {
            Random random = new Random(seed);
            for (int round = 0; round < 50; round++) {
                String text = "";
                List<Integer> model = new ArrayList<>();
                Attribution spans = Attribution.empty();
                for (int step = 0; step < 60; step++) {
                    int author = random.nextInt(4);
                    TextOperation op = RandomOps.op(random, text);
                    model = applyToModel(op, model, author);
                    spans = spans.apply(op, author);
                    text = op.apply(text);
                    assertEquals(text.length(), spans.length());
                    assertEquals(model, expand(spans), "after step " + step + " of round " + round);
                }
            }
        });
    }

    @Test
    void a_base_of_unknown_origin_keeps_its_author_where_it_is_kept() throws InvalidOperationException {
        Attribution base = Attribution.of(5, Attribution.UNKNOWN);
        Attribution after = base.apply(TextOperation.builder().retain(2).insert("ab").delete(1).retain(2).build(), 3);
        assertEquals(List.of(-1, -1, 3, 3, -1, -1), expand(after));
        assertEquals(3, after.spanCount());
    }

    @Test
    void an_op_for_another_length_is_refused() {
        assertThrows(InvalidOperationException.class,
                () -> Attribution.of(3, 0).apply(TextOperation.builder().retain(4).build(), 1));
    }

    /** The model: the op applied to a list of one author per unit. */
    private static List<Integer> applyToModel(TextOperation op, List<Integer> units, int author) {
        List<Integer> out = new ArrayList<>();
        int at = 0;
        for (Object component : op.toComponents()) {
            if (component instanceof String inserted) {
                for (int i = 0; i < inserted.length(); i++) {
                    out.add(author);
                }
            } else if ((Integer) component > 0) {
                out.addAll(units.subList(at, at + (Integer) component));
                at += (Integer) component;
            } else {
                at -= (Integer) component;
            }
        }
        return out;
    }

    private static List<Integer> expand(Attribution spans) {
        List<Integer> units = new ArrayList<>();
        for (int i = 0; i < spans.spanCount(); i++) {
            assertTrue(spans.spanLength(i) > 0, "empty span " + i);
            if (i > 0) {
                assertNotEquals(spans.spanAuthor(i - 1), spans.spanAuthor(i), "unmerged neighbours at " + i);
            }
            for (int u = 0; u < spans.spanLength(i); u++) {
                units.add(spans.spanAuthor(i));
            }
        }
        return units;
    }
}
