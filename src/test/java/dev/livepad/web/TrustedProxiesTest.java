package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The X-Forwarded-For walk, hop by hop, for the cases a real proxy chain (or a liar) produces. */
class TrustedProxiesTest {
    private final TrustedProxies proxies = new TrustedProxies(Stream.of("127.0.0.1/32", "10.0.0.0/8", "::1",
            "fd00::/8").map(AddressRange::parse).toList());

    private String client(String peer, String... forwardedFor) {
        return proxies.clientAddress(peer, List.of(forwardedFor));
    }

    @Test
    void without_a_trusted_peer_the_header_is_ignored() {
        assertEquals("192.0.2.9", client("192.0.2.9", "198.51.100.1"));
        assertEquals("192.0.2.9", new TrustedProxies(List.of()).clientAddress("192.0.2.9", List.of("198.51.100.1")));
    }

    @Test
    void behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        assertEquals("198.51.100.1", client("127.0.0.1", "198.51.100.1"));
        assertEquals("198.51.100.1", client("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3"));
        assertEquals("198.51.100.1", client("127.0.0.1", "6.6.6.6,198.51.100.1 ,  10.1.2.3"));
    }

    @Test
    void several_headers_are_one_list_in_order() {
        assertEquals("198.51.100.1", client("127.0.0.1", "6.6.6.6, 198.51.100.1", "10.0.0.7"));
        assertEquals("198.51.100.2", client("127.0.0.1", "198.51.100.1", "198.51.100.2"));
    }

    @Test
    void garbage_ends_the_walk_at_the_last_good_hop() {
        assertEquals("127.0.0.1", client("127.0.0.1", "not-an-address"));
        assertEquals("127.0.0.1", client("127.0.0.1", ""));
        assertEquals("10.0.0.7", client("127.0.0.1", "198.51.100.1, evil.example, 10.0.0.7"));
        assertEquals("10.0.0.7", client("127.0.0.1", "198.51.100.1, , 10.0.0.7"));
        assertEquals("127.0.0.1", client("127.0.0.1", "999.1.1.1"));
        assertEquals("127.0.0.1", client("127.0.0.1", "01.2.3.4"));
        assertEquals("127.0.0.1", client("127.0.0.1", "1.2.3"));
        assertEquals("127.0.0.1", client("127.0.0.1", "fe80::1%eth0"));
        assertEquals("127.0.0.1", client("127.0.0.1", "x".repeat(5000)));
    }

    @Test
    void when_every_hop_is_a_trusted_proxy_the_leftmost_is_the_client() {
        assertEquals("10.9.9.9", client("127.0.0.1", "10.9.9.9, 10.0.0.7"));
    }

    @Test
    void ipv6_hops_ports_and_brackets_are_read_and_written_in_one_form() {
        assertEquals("2001:db8:0:0:0:0:0:1", client("[0:0:0:0:0:0:0:1]", "2001:db8::1"));
        assertEquals("2001:db8:0:0:0:0:0:1", client("::1", "[2001:db8::1]:4711, fd00::5"));
        assertEquals("198.51.100.1", client("127.0.0.1", "198.51.100.1:4711"));
        assertEquals("0:0:0:0:0:0:0:1", client("[0:0:0:0:0:0:0:1]"));
        assertEquals("127.0.0.1", client("127.0.0.1"));
    }
}
