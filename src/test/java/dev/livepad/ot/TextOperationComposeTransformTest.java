package dev.livepad.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextOperationComposeTransformTest {

    private static TextOperation op(Object... components) throws InvalidOperationException {
        return TextOperation.fromComponents(List.of(components));
    }

    @Test
    void compose_merges_two_consecutive_edits() throws Exception {
        TextOperation typed = op(3, "abc");
        TextOperation fixed = op(4, -1, "B", 1);
        assertEquals(op(3, "aBc"), typed.compose(fixed));
    }

    @Test
    void compose_cancels_text_inserted_then_deleted() throws Exception {
        assertEquals(op(2), op(1, "xyz", 1).compose(op(1, -3, 1)));
    }

    @Test
    void compose_rejects_mismatched_lengths() throws Exception {
        TextOperation first = op(2, "x");
        assertThrows(IllegalArgumentException.class, () -> first.compose(op(2)));
    }

    @Test
    void transform_puts_a_first_when_both_insert_at_the_same_offset() throws Exception {
        TextOperation a = op(1, "A", 1);
        TextOperation b = op(1, "B", 1);
        TextOperation.Transformed t = TextOperation.transform(a, b);
        assertEquals(op(1, "A", 2), t.aPrime());
        assertEquals(op(2, "B", 1), t.bPrime());
        assertEquals("xABy", t.bPrime().apply(a.apply("xy")));
        assertEquals("xABy", t.aPrime().apply(b.apply("xy")));
    }

    @Test
    void transform_drops_text_that_both_sides_deleted() throws Exception {
        TextOperation a = op(1, -3, 1);
        TextOperation b = op(2, -3);
        TextOperation.Transformed t = TextOperation.transform(a, b);
        assertEquals(op(1, -1), t.aPrime());
        assertEquals(op(1, -1), t.bPrime());
        assertEquals("a", t.bPrime().apply(a.apply("abcde")));
        assertEquals("a", t.aPrime().apply(b.apply("abcde")));
    }

    @Test
    void transform_rejects_different_base_lengths() throws Exception {
        TextOperation a = op(2);
        TextOperation b = op(3);
        assertThrows(IllegalArgumentException.class, () -> TextOperation.transform(a, b));
    }
}
