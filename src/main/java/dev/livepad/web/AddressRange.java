package dev.livepad.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of {@code TRUSTED_PROXIES}: an IPv4 or IPv6 address, or a CIDR range of them. It
 * lives beside {@link Config} because parsing a setting must refuse a bad entry at startup. Only
 * literals are accepted, and {@link #literal} never asks DNS, so neither a setting nor a
 * request header (an {@code X-Forwarded-For} hop) can make the server resolve a name.
 */
public final class AddressRange {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** What the JDK parses as an IPv6 literal without a lookup: a colon, and a hex digit or colon first. */
    private static final Pattern IPV6 = Pattern.compile("(?=.*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    private final byte[] network;
    private final int prefixLength;

    private AddressRange(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code 192.0.2.1}, {@code 10.0.0.0/8}, {@code ::1} or {@code 2001:db8::/32}; host bits
     * after the prefix are ignored. Prefixes shorter than /8 (IPv4) or /7 (IPv6) are refused:
     * no proxy fleet spans them, and trusting them would let almost any client choose the address
     * it is limited under.
     */
    public static AddressRange parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address).map(InetAddress::getAddress).orElseThrow(() ->
                new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range"));
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            int shortest = bits == 32 ? 8 : 7; // 10.0.0.0/8 and fc00::/7 are the widest private ranges
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits || Integer.parseInt(length) < shortest) {
                throw new IllegalArgumentException(
                        "'" + text + "' needs a prefix length from " + shortest + " to " + bits);
            }
            prefix = Integer.parseInt(length);
        }
        return new AddressRange(mask(bytes, prefix), prefix);
    }

    /** Whether {@code address} lies in this range; IPv4 and IPv6 ranges never contain each other. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
    }

    /**
     * An IP address written as a literal ({@code 192.0.2.1}, {@code 2001:db8::1}, {@code [::1]}),
     * or empty for anything else: names, zone ids, IPv4 with leading zeros or fewer than four
     * parts. Never a DNS lookup.
     */
    public static Optional<InetAddress> literal(String text) {
        String bare = text.length() > 1 && text.startsWith("[") && text.endsWith("]")
                ? text.substring(1, text.length() - 1) : text;
        try {
            Matcher v4 = IPV4.matcher(bare);
            if (v4.matches()) {
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    String part = v4.group(i + 1);
                    int value = Integer.parseInt(part);
                    if (value > 255 || (part.length() > 1 && part.charAt(0) == '0')) {
                        return Optional.empty();
                    }
                    bytes[i] = (byte) value;
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            return IPV6.matcher(bare).matches() ? Optional.of(InetAddress.getByName(bare)) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            masked[i] &= (byte) (0xFF00 >> keep);
        }
        return masked;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
