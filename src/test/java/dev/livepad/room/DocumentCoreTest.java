package dev.livepad.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.livepad.ot.Rope;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ProtocolException;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The room's synchronous heart on its own: each refusal changes nothing, each success is one revision. */
class DocumentCoreTest {
    private final DocumentCore core = new DocumentCore("r", Rope.EMPTY, new History(3, Long.MAX_VALUE, 0), 12);

    private static TextOperation op(Object... components) {
        try {
            return TextOperation.fromComponents(List.of(components));
        } catch (dev.livepad.ot.InvalidOperationException e) {
            throw new AssertionError(e);
        }
    }

    private DocumentCore.Applied apply(String id, long rev, TextOperation op) {
        return core.apply("c1", id, rev, op, OpFingerprint.of(rev, op));
    }

    private void assertRefused(ErrorCode code, Runnable attempt) {
        String text = core.text();
        long head = core.history().headRev();
        ProtocolException e = assertThrows(ProtocolException.class, attempt::run);
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(text, core.text(), "a refusal changes nothing");
        assertEquals(head, core.history().headRev());
    }

    @Test
    void an_op_made_before_later_ops_is_transformed_past_them() {
        apply("a", 0, op("hello"));
        apply("b", 1, op(5, " world"));
        DocumentCore.Applied late = apply("c", 1, op(">", 5)); // made at rev 1, without " world"
        assertEquals(3, late.entry().rev());
        assertEquals("[\">\",11]", late.opJson());
        assertEquals(">hello world", core.text());
    }

    @Test
    void a_revision_in_the_future_or_beyond_the_kept_history_is_bad_rev() {
        assertRefused(ErrorCode.BAD_REV, () -> apply("x", 1, op("x")));
        for (int i = 0; i < 4; i++) {
            apply("k" + i, i, i == 0 ? op("k") : op(i, "k")); // the history keeps 3 ops
        }
        assertRefused(ErrorCode.BAD_REV, () -> apply("old", 0, op("x")));
    }

    @Test
    void an_op_of_the_wrong_length_is_bad_op() {
        apply("a", 0, op("abc"));
        assertRefused(ErrorCode.BAD_OP, () -> apply("short", 1, op(2, "x")));
    }

    @Test
    void an_op_that_would_grow_the_document_past_the_limit_is_doc_too_large_but_may_shrink_it() {
        apply("a", 0, op("0123456789ab"));
        assertRefused(ErrorCode.DOC_TOO_LARGE, () -> apply("big", 1, op(12, "!")));
        apply("shrink", 1, op(-1, 11));
        assertEquals("123456789ab", core.text());
    }

    @Test
    void a_retry_is_recognised_and_a_different_op_under_its_id_is_bad_request() {
        TextOperation first = op("hi");
        apply("same", 0, first);
        assertEquals(OptionalLong.of(1), core.retryOf("same", OpFingerprint.of(0, first)));
        assertEquals(OptionalLong.empty(), core.retryOf("new", OpFingerprint.of(0, first)));
        assertRefused(ErrorCode.BAD_REQUEST, () -> core.retryOf("same", OpFingerprint.of(0, op("ho"))));
        assertRefused(ErrorCode.BAD_REQUEST, () -> core.retryOf("same", OpFingerprint.of(1, first)));
    }

    @Test
    void a_text_taken_before_later_ops_stays_as_it_was_and_rolling_back_to_it_restores_it() {
        DocumentCore big = new DocumentCore("big", Rope.of("x".repeat(200_000)), new History(100, Long.MAX_VALUE, 0),
                1 << 20);
        Rope atZero = big.textRope();
        TextOperation typed = op(100_000, "y", 100_000);
        big.apply("c1", "a", 0, typed, OpFingerprint.of(0, typed));
        big.apply("c1", "b", 0, typed, OpFingerprint.of(0, typed)); // made at rev 0 too: transformed past "a"
        assertEquals(200_002, big.length());
        assertEquals("x".repeat(100_000) + "yy" + "x".repeat(100_000), big.text());
        assertEquals("x".repeat(200_000), atZero.toString(), "a taken text never changes");
        big.rollBack(0, atZero);
        assertEquals(0, big.history().headRev());
        assertEquals("x".repeat(200_000), big.text());
    }
}
