package dev.livepad.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionTest {

    private static TextOperation op(Object... components) throws InvalidOperationException {
        return TextOperation.fromComponents(List.of(components));
    }

    @Test
    void an_insert_at_or_before_an_index_pushes_it_right() throws Exception {
        TextOperation insert = op(3, "ab", 2);
        assertEquals(2, insert.transformIndex(2));
        assertEquals(5, insert.transformIndex(3));
        assertEquals(6, insert.transformIndex(4));
        assertEquals(2, op("xy", 3).transformIndex(0));
        assertEquals(5, op(3, "ab").transformIndex(3));
    }

    @Test
    void an_index_inside_a_deleted_span_moves_to_its_start() throws Exception {
        TextOperation delete = op(1, -3, 1);
        assertEquals(0, delete.transformIndex(0));
        assertEquals(1, delete.transformIndex(1));
        assertEquals(1, delete.transformIndex(2));
        assertEquals(1, delete.transformIndex(4));
        assertEquals(2, delete.transformIndex(5));
    }

    @Test
    void a_replacement_at_the_index_puts_it_after_the_new_text() throws Exception {
        assertEquals(4, op(1, "xyz", -2, 1).transformIndex(1));
        assertEquals(4, op(1, "xyz", -2, 1).transformIndex(2));
    }

    @Test
    void cursors_stay_cursors_and_ranges_move_both_ends() throws Exception {
        Selection selection = new Selection(List.of(new Selection.Range(1, 1), new Selection.Range(4, 2)));
        Selection moved = selection.transform(op("ab", 2, -1, 2));
        assertEquals(new Selection(List.of(new Selection.Range(3, 3), new Selection.Range(5, 4))), moved);
        assertTrue(moved.somethingSelected());
        assertFalse(Selection.cursor(7).somethingSelected());
    }

    @Test
    void moving_a_selection_moves_each_range_as_alone() {
        Seeded.check(Seeded.CASES, random -> {
            String doc = RandomOps.text(random, 12);
            TextOperation op = RandomOps.op(random, doc);
            List<Selection.Range> ranges = new ArrayList<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                int anchor = random.nextInt(doc.length() + 1);
                ranges.add(
                        new Selection.Range(anchor, random.nextBoolean() ? anchor : random.nextInt(doc.length() + 1)));
            }
            Selection moved = new Selection(ranges).transform(op);
            assertEquals(
                    ranges.stream().map(range -> range.transform(op)).toList(),
                    moved.ranges(),
                    () -> "doc=" + doc + " op=" + op + " ranges=" + ranges);
        });
    }

    @Test
    void a_range_whose_text_is_deleted_collapses() throws Exception {
        Selection.Range range = new Selection.Range(1, 3).transform(op(1, -2, 1));
        assertEquals(new Selection.Range(1, 1), range);
        assertTrue(range.isEmpty());
    }

    @Test
    void a_selection_is_an_immutable_copy_of_its_ranges() throws Exception {
        ArrayList<Selection.Range> ranges = new ArrayList<>(List.of(new Selection.Range(0, 1)));
        Selection selection = new Selection(ranges);
        ranges.clear();
        assertEquals(1, selection.ranges().size());
        assertEquals(Selection.cursor(2), Selection.cursor(2).transform(op(4)));
    }
}
