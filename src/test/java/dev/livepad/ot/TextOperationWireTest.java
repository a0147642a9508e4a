package dev.livepad.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextOperationWireTest {

    private static InvalidOperationException rejected(Object... components) {
        List<Object> list = Arrays.asList(components);
        return assertThrows(InvalidOperationException.class, () -> TextOperation.fromComponents(list));
    }

    @Test
    void components_are_parsed_and_normalized() throws Exception {
        TextOperation op = TextOperation.fromComponents(List.of(1, 2L, -1, "a", "b", -1L));
        assertEquals(List.of(3, "ab", -2), op.toComponents());
    }

    @Test
    void zero_is_rejected_as_integer_and_long() {
        assertTrue(rejected(1, 0).getMessage().contains("component 1"));
        rejected(0L);
    }

    @Test
    void non_integer_numbers_are_rejected() {
        rejected(1.0);
        rejected(2.5f);
        rejected(new BigDecimal("3"));
        rejected(BigInteger.ONE);
        rejected((short) 3);
    }

    @Test
    void other_json_values_are_rejected() {
        rejected(true);
        rejected((Object) null);
        rejected(List.of(1));
        rejected(Map.of("retain", 1));
        assertThrows(InvalidOperationException.class, () -> TextOperation.fromComponents(null));
    }

    @Test
    void longs_outside_int_range_are_rejected() {
        rejected(1L << 31);
        rejected(-(1L << 31));
        rejected(Integer.MIN_VALUE);
        rejected(Long.MAX_VALUE);
    }

    @Test
    void extreme_int_counts_are_accepted() throws Exception {
        assertEquals(Integer.MAX_VALUE, TextOperation.fromComponents(List.of(Integer.MAX_VALUE)).baseLength());
        assertEquals(Integer.MAX_VALUE, TextOperation.fromComponents(List.of(-Integer.MAX_VALUE)).baseLength());
    }

    @Test
    void a_total_length_beyond_int_range_is_rejected() {
        rejected(Integer.MAX_VALUE, -1);
        rejected(Integer.MAX_VALUE, "x");
    }

    @Test
    void empty_inserts_are_rejected() {
        rejected(1, "");
    }

    @Test
    void inserts_with_lone_surrogates_are_rejected() {
        rejected("\uD83D");
        rejected("a\uD83Db");
        rejected("\uDE00");
        rejected("\uDE00\uD83D");
        // Each half alone is invalid even though the merged insert would be a valid pair.
        rejected("\uD83D", "\uDE00");
    }

    @Test
    void surrogate_pairs_are_accepted() throws Exception {
        TextOperation op = TextOperation.fromComponents(List.of("\uD83D\uDE00x"));
        assertEquals(3, op.targetLength());
    }

    @Test
    void an_empty_list_is_the_empty_operation() throws Exception {
        assertEquals(TextOperation.EMPTY_FOR_EMPTY_DOC, TextOperation.fromComponents(new ArrayList<>()));
    }

    @Test
    void to_components_round_trips_with_integers_and_strings() throws Exception {
        TextOperation op = TextOperation.builder().retain(3).insert("ab").delete(2).retain(1).build();
        List<Object> components = op.toComponents();
        assertEquals(List.of(3, "ab", -2, 1), components);
        components.forEach(c -> assertTrue(c instanceof Integer || c instanceof String));
        assertEquals(op, TextOperation.fromComponents(components));
        assertThrows(UnsupportedOperationException.class, () -> components.add(1));
    }

    @Test
    void messages_name_the_offending_component() {
        InvalidOperationException e = rejected(3, "ok", true);
        assertTrue(e.getMessage().contains("component 2"), e.getMessage());
        assertTrue(e.getMessage().contains("Boolean"), e.getMessage());
    }
}
