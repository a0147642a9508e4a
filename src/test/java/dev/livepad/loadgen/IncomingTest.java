package dev.livepad.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncomingTest {
    @Test
    void reads_an_op_broadcast() throws IOException {
        Incoming m = Incoming.parse("{\"type\":\"op\",\"room\":\"r\",\"rev\":42,\"op\":[3,\"ab\",-2],"
                + "\"clientId\":\"c1\",\"id\":\"x.1\"}", true);
        assertEquals("op", m.type());
        assertEquals(42, m.rev());
        assertEquals("x.1", m.id());
        assertEquals(List.of(3L, "ab", -2L), m.op());
    }

    @Test
    void skips_the_op_when_asked_and_nested_values_whatever_their_names() throws IOException {
        Incoming m = Incoming.parse("{\"type\":\"joined\",\"members\":[{\"id\":\"c9\",\"rev\":7,\"text\":\"no\"}],"
                + "\"op\":[1,\"a\"],\"extra\":{\"type\":\"not this\"},\"rev\":5,\"text\":\"hello\"}", false);
        assertEquals("joined", m.type());
        assertEquals(5, m.rev());
        assertEquals("hello", m.text());
        assertNull(m.id());
        assertNull(m.op());
    }

    @Test
    void reads_an_error_and_defaults_what_is_absent() throws IOException {
        Incoming m = Incoming.parse("{\"type\":\"error\",\"code\":\"bad_op\",\"ref\":\"x.2\",\"message\":\"no\"}",
                true);
        assertEquals("bad_op", m.code());
        assertEquals("x.2", m.ref());
        assertEquals(-1, m.rev());
        assertNull(m.op());
    }

    @Test
    void refuses_a_component_that_is_neither_a_whole_number_nor_a_string() {
        assertThrows(IOException.class, () -> Incoming.parse("{\"type\":\"op\",\"rev\":1,\"op\":[1.5]}", true));
        assertThrows(IOException.class, () -> Incoming.parse("[1,2]", true));
    }
}
