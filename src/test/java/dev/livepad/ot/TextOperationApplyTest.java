package dev.livepad.ot;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextOperationApplyTest {
    /** "a", a surrogate pair (U+1F600) at offsets 1-2, then "b": four UTF-16 units. */
    private static final String DOC = "a\uD83D\uDE00b";

    private static TextOperation op(Object... components) throws InvalidOperationException {
        return TextOperation.fromComponents(List.of(components));
    }

    private static void assertSplits(TextOperation op) {
        InvalidOperationException applied = assertThrows(InvalidOperationException.class, () -> op.apply(DOC));
        assertTrue(applied.getMessage().contains("surrogate"), applied.getMessage());
        assertThrows(InvalidOperationException.class, () -> op.validateAgainst(DOC));
    }

    @Test
    void retains_inserts_and_deletes_are_applied_in_order() throws Exception {
        assertEquals("Hi, world!", op(1, "i, world", -4, 1).apply("Hello!"));
        assertEquals("xabc", op("x", 3).apply("abc"));
        assertEquals("", op(-3).apply("abc"));
        assertEquals("", TextOperation.EMPTY_FOR_EMPTY_DOC.apply(""));
    }

    @Test
    void a_document_of_the_wrong_length_is_rejected() throws Exception {
        TextOperation op = op(2, "x");
        InvalidOperationException e = assertThrows(InvalidOperationException.class, () -> op.apply("abc"));
        assertTrue(e.getMessage().contains("length"), e.getMessage());
        assertThrows(InvalidOperationException.class, () -> op.validateAgainst("a"));
        assertThrows(InvalidOperationException.class, () -> TextOperation.EMPTY_FOR_EMPTY_DOC.apply("a"));
    }

    @Test
    void a_retain_ending_inside_a_surrogate_pair_is_rejected() throws Exception {
        assertSplits(op(2, -2));
    }

    @Test
    void a_delete_ending_inside_a_surrogate_pair_is_rejected() throws Exception {
        assertSplits(op(1, -1, 2));
        assertSplits(op(-2, 2));
    }

    @Test
    void an_insert_inside_a_surrogate_pair_is_rejected() throws Exception {
        assertSplits(op(2, "x", 2));
    }

    @Test
    void cuts_at_the_edges_of_a_surrogate_pair_are_fine() throws Exception {
        assertEquals("ab", op(1, -2, 1).apply(DOC));
        assertEquals("ax\uD83D\uDE00yb", op(1, "x", 2, "y", 1).apply(DOC));
        assertDoesNotThrow(() -> op(3, -1).validateAgainst(DOC));
    }

    @Test
    void inserted_pairs_next_to_document_pairs_are_fine() throws Exception {
        assertEquals("a\uD83D\uDE00\uD834\uDD1Eb", op(3, "\uD834\uDD1E", 1).apply(DOC));
    }

    @Test
    void a_noop_returns_the_same_text() throws Exception {
        assertEquals(DOC, op(4).apply(DOC));
    }
}
