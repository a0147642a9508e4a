package dev.livepad.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextOperationBuilderTest {

    @Test
    void adjacent_components_of_one_kind_are_merged() {
        TextOperation op = TextOperation.builder()
                .retain(2).retain(3).insert("a").insert("b").delete(1).delete(2).retain(1).build();
        assertEquals(List.of(5, "ab", -3, 1), op.toComponents());
    }

    @Test
    void an_insert_after_a_delete_is_moved_before_it() {
        TextOperation op = TextOperation.builder().retain(1).delete(2).insert("x").build();
        assertEquals(List.of(1, "x", -2), op.toComponents());
    }

    @Test
    void an_insert_after_insert_and_delete_joins_the_earlier_insert() {
        TextOperation op = TextOperation.builder().insert("a").delete(1).insert("b").delete(1).build();
        assertEquals(List.of("ab", -2), op.toComponents());
    }

    @Test
    void zero_length_components_are_ignored() {
        TextOperation op = TextOperation.builder().retain(0).insert("").delete(0).build();
        assertEquals(List.of(), op.toComponents());
        assertEquals(TextOperation.EMPTY_FOR_EMPTY_DOC, op);
    }

    @Test
    void negative_counts_are_rejected() {
        assertThrows(IllegalArgumentException.class, () -> TextOperation.builder().retain(-1));
        assertThrows(IllegalArgumentException.class, () -> TextOperation.builder().delete(-1));
    }

    @Test
    void lengths_beyond_int_range_are_rejected() {
        TextOperation.Builder builder = TextOperation.builder().retain(Integer.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> builder.retain(1));
        assertThrows(IllegalArgumentException.class, () -> builder.delete(1));
        assertThrows(IllegalArgumentException.class, () -> builder.insert("x"));
    }

    @Test
    void base_and_target_lengths_follow_the_components() {
        TextOperation op = TextOperation.builder().retain(3).insert("abc").delete(2).build();
        assertEquals(5, op.baseLength());
        assertEquals(6, op.targetLength());
    }

    @Test
    void only_pure_retains_are_noops() {
        assertTrue(TextOperation.builder().build().isNoop());
        assertTrue(TextOperation.builder().retain(4).build().isNoop());
        assertFalse(TextOperation.builder().retain(4).insert("a").build().isNoop());
        assertFalse(TextOperation.builder().delete(1).build().isNoop());
    }

    @Test
    void build_rejects_a_lone_surrogate_but_accepts_a_pair_split_across_inserts() {
        assertThrows(IllegalArgumentException.class, () -> TextOperation.builder().insert("a\uD83D").build());
        assertThrows(IllegalArgumentException.class, () -> TextOperation.builder().insert("\uDE00b").build());
        TextOperation op = TextOperation.builder().insert("\uD83D").insert("\uDE00").build();
        assertEquals(List.of("\uD83D\uDE00"), op.toComponents());
    }

    @Test
    void builder_can_continue_after_build_without_changing_earlier_results() {
        TextOperation.Builder builder = TextOperation.builder().insert("a").insert("b");
        TextOperation first = builder.build();
        TextOperation second = builder.insert("c").retain(1).build();
        assertEquals(List.of("ab"), first.toComponents());
        assertEquals(List.of("abc", 1), second.toComponents());
    }

    @Test
    void equal_components_give_equal_operations_and_hash_codes() {
        TextOperation a = TextOperation.builder().retain(1).insert("x").delete(1).build();
        TextOperation b = TextOperation.builder().retain(1).delete(1).insert("x").build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, TextOperation.builder().retain(1).insert("y").delete(1).build());
        assertNotEquals(a, TextOperation.builder().retain(2).insert("x").build());
    }

    @Test
    void to_string_is_the_wire_json() {
        TextOperation op = TextOperation.builder().retain(3).insert("a\"b\\\n\u0001").delete(2).build();
        assertEquals("[3,\"a\\\"b\\\\\\n\\u0001\",-2]", op.toString());
        assertEquals("[]", TextOperation.EMPTY_FOR_EMPTY_DOC.toString());
    }
}
