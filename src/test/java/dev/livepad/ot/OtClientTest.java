package dev.livepad.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OtClientTest {

    private static TextOperation op(Object... components) throws InvalidOperationException {
        return TextOperation.fromComponents(List.of(components));
    }

    @Test
    void a_new_client_is_synchronized() {
        OtClient client = new OtClient(7, "abc");
        assertTrue(client.isSynchronized());
        assertEquals(7, client.revision());
        assertEquals("abc", client.text());
        assertEquals(Optional.empty(), client.outstanding());
        assertEquals(Optional.empty(), client.buffer());
    }

    @Test
    void the_first_local_edit_is_sent_and_later_ones_are_buffered() throws Exception {
        OtClient client = new OtClient(0, "abc");
        assertEquals(Optional.of(op(3, "d")), client.applyLocal(op(3, "d")));
        assertEquals(Optional.empty(), client.applyLocal(op(4, "e")));
        assertEquals(Optional.empty(), client.applyLocal(op(-1, 4)));
        assertEquals("bcde", client.text());
        assertEquals(Optional.of(op(3, "d")), client.outstanding());
        assertEquals(Optional.of(op(-1, 3, "e")), client.buffer());
        assertFalse(client.isSynchronized());
        assertEquals(0, client.revision());
    }

    @Test
    void an_ack_promotes_the_buffer_to_outstanding() throws Exception {
        OtClient client = new OtClient(0, "");
        client.applyLocal(op("a"));
        client.applyLocal(op(1, "b"));
        assertEquals(Optional.of(op(1, "b")), client.serverAck());
        assertEquals(1, client.revision());
        assertEquals(Optional.of(op(1, "b")), client.outstanding());
        assertEquals(Optional.empty(), client.buffer());
        assertEquals(Optional.empty(), client.serverAck());
        assertTrue(client.isSynchronized());
        assertEquals(2, client.revision());
    }

    @Test
    void an_ack_with_nothing_outstanding_is_an_error() {
        OtClient client = new OtClient(0, "");
        assertThrows(IllegalStateException.class, client::serverAck);
    }

    @Test
    void a_server_op_applies_directly_when_synchronized() throws Exception {
        OtClient client = new OtClient(3, "abc");
        assertEquals(op(1, "x", 2), client.applyServer(op(1, "x", 2)));
        assertEquals("axbc", client.text());
        assertEquals(4, client.revision());
    }

    @Test
    void a_server_op_is_transformed_past_outstanding_and_buffer() throws Exception {
        OtClient client = new OtClient(0, "abc");
        client.applyLocal(op("1", 3));        // outstanding: 1abc
        client.applyLocal(op(4, "2"));        // buffer:      1abc2
        TextOperation applied = client.applyServer(op(1, -1, 1)); // another user deleted "b"
        assertEquals(op(2, -1, 2), applied);
        assertEquals("1ac2", client.text());
        assertEquals(Optional.of(op("1", 2)), client.outstanding());
        assertEquals(Optional.of(op(3, "2")), client.buffer());
        assertEquals(1, client.revision());
    }

    @Test
    void an_edit_that_does_not_fit_is_rejected_without_changing_state() throws Exception {
        OtClient client = new OtClient(0, "abc");
        assertThrows(IllegalArgumentException.class, () -> client.applyLocal(op(2, "x")));
        assertThrows(IllegalArgumentException.class, () -> client.applyServer(op(5)));
        assertEquals("abc", client.text());
        assertTrue(client.isSynchronized());
        assertEquals(0, client.revision());
    }

    @Test
    void remote_selections_are_moved_past_unacknowledged_edits() throws Exception {
        OtClient client = new OtClient(0, "abc");
        assertEquals(Selection.cursor(2), client.transformSelection(Selection.cursor(2)));
        client.applyLocal(op("xy", 3));
        client.applyLocal(op(-1, 4));
        assertEquals(Selection.cursor(3), client.transformSelection(Selection.cursor(2)));
    }
}
