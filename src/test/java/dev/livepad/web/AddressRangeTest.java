package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.Config;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TRUSTED_PROXIES entries: which addresses a range holds, what counts as a literal, what refuses to start. */
class AddressRangeTest {

    private static InetAddress ip(String text) {
        return AddressRange.literal(text).orElseThrow();
    }

    @Test
    void ranges_contain_the_addresses_of_their_prefix_only() {
        AddressRange ten = AddressRange.parse("10.0.0.0/8");
        assertTrue(ten.contains(ip("10.255.1.2")));
        assertFalse(ten.contains(ip("11.0.0.1")));
        assertTrue(AddressRange.parse("192.0.2.0/25").contains(ip("192.0.2.127")));
        assertFalse(AddressRange.parse("192.0.2.0/25").contains(ip("192.0.2.128")));
        assertTrue(AddressRange.parse("127.0.0.1").contains(ip("127.0.0.1")));
        assertFalse(AddressRange.parse("127.0.0.1").contains(ip("127.0.0.2")));
        assertTrue(AddressRange.parse("2001:db8::/32").contains(ip("2001:db8:ffff::1")));
        assertFalse(AddressRange.parse("2001:db8::/32").contains(ip("2001:db9::1")));
        assertFalse(AddressRange.parse("::1").contains(ip("127.0.0.1")));
        assertEquals("10.0.0.0/8", AddressRange.parse("10.1.2.3/8").toString());
    }

    @Test
    void only_literals_are_addresses_and_no_name_is_looked_up() {
        for (String bad : new String[] {"localhost", "example.com", "1.2.3", "1.2.3.256", "01.2.3.4", "1.2.3.4.5",
            "::g", "1:2", "fe80::1%lo", ".:", "", " 1.2.3.4"}) {
            assertTrue(AddressRange.literal(bad).isEmpty(), bad);
        }
        assertEquals("0:0:0:0:0:0:0:1", ip("[::1]").getHostAddress());
    }

    @Test
    void a_bad_trusted_proxies_entry_refuses_to_start_naming_it() {
        for (String bad : new String[] {"proxy.internal", "10.0.0.0/33", "10.0.0.0/", "0.0.0.0/0", "::/0",
            "10.0.0.0/8/8", "2001:db8::/129"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Config.fromEnv(Map.of("TRUSTED_PROXIES", "127.0.0.1, " + bad)), bad);
            assertTrue(e.getMessage().startsWith("TRUSTED_PROXIES") && e.getMessage().contains(bad), e.getMessage());
        }
        assertEquals(List.of("127.0.0.1/32", "10.0.0.0/8", "0:0:0:0:0:0:0:1/128"), Config.fromEnv(
                Map.of("TRUSTED_PROXIES", " 127.0.0.1 ,10.0.0.0/8,, ::1 ")).trustedProxies().stream()
                .map(AddressRange::toString).toList());
        assertTrue(Config.fromEnv(Map.of()).trustedProxies().isEmpty());
    }
}
