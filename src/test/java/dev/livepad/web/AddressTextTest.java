package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** One client is counted under one key, whether Jetty hands us a socket address or bracketed text. */
class AddressTextTest {

    @Test
    void bracketed_ipv6_text_matches_the_socket_address_form() {
        String fromSocket = WebServer.address(new InetSocketAddress("::1", 4000));
        assertEquals(fromSocket, WebServer.address("[0:0:0:0:0:0:0:1]"));
        assertEquals("127.0.0.1", WebServer.address("127.0.0.1"));
        assertEquals("127.0.0.1", WebServer.address(new InetSocketAddress("127.0.0.1", 4000)));
    }
}
