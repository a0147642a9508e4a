package dev.livepad.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose forwarding headers livepad believes ({@code TRUSTED_PROXIES}), and
 * the client address a request has through them, for every per-address limit and log line.
 * Only when the TCP peer is one of them is the client taken from {@code X-Forwarded-For}: the
 * rightmost hop that is not itself a trusted proxy. Anyone else could write any address there,
 * so from anyone else the header is ignored. The same goes for the origin a request was
 * addressed to, which a TLS-terminating proxy changes from {@code https} to {@code http}.
 */
final class TrustedProxies {
    private static final Pattern BRACKETED_WITH_PORT = Pattern.compile("(\\[[^\\]]*\\])(?::\\d{1,5})?");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("([0-9.]+):\\d{1,5}");

    private final List<AddressRange> ranges;

    TrustedProxies(List<AddressRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** Whether the request came straight from a trusted proxy, so that its forwarding headers count. */
    boolean fromProxy(HttpServletRequest request) {
        return AddressRange.literal(request.getRemoteAddr()).filter(this::trusts).isPresent();
    }

    /** The client's address as text, the same for HTTP requests and WebSocket upgrades. */
    String clientAddress(HttpServletRequest request) {
        List<String> forwardedFor = ranges.isEmpty() ? List.of()
                : Collections.list(request.getHeaders("X-Forwarded-For"));
        return clientAddress(request.getRemoteAddr(), forwardedFor);
    }

    /**
     * Walks the {@code X-Forwarded-For} hops (all headers, in order, comma-separated) from the
     * right while the address in hand is a trusted proxy. A hop that is not an IP address ends
     * the walk: nothing left of it can be believed, so the last good hop (or the peer) is the
     * client. Never throws.
     */
    String clientAddress(String peer, List<String> forwardedFor) {
        Optional<InetAddress> peerAddress = AddressRange.literal(peer);
        if (peerAddress.isEmpty()) {
            return peer.length() > 1 && peer.startsWith("[") && peer.endsWith("]")
                    ? peer.substring(1, peer.length() - 1) : peer;
        }
        InetAddress client = peerAddress.get();
        List<String> hops = hops(forwardedFor);
        for (int i = hops.size() - 1; i >= 0 && trusts(client); i--) {
            Optional<InetAddress> hop = AddressRange.literal(withoutPort(hops.get(i)));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get();
        }
        return client.getHostAddress();
    }

    /**
     * The origin the client addressed ({@code scheme://host[:port]}), which its {@code Origin}
     * must equal when no allowlist is configured; null without a {@code Host}. From a trusted
     * proxy, scheme and host come from {@code X-Forwarded-Proto} ({@code http} or {@code https})
     * and {@code X-Forwarded-Host}, the first value of each (written by the proxy nearest the
     * client), each falling back to the request's own. The {@code Forwarded} header is not read.
     */
    String ownOrigin(HttpServletRequest request) {
        String scheme = request.getScheme();
        String host = request.getHeader("Host");
        if (fromProxy(request)) {
            scheme = first(request.getHeader("X-Forwarded-Proto"))
                    .filter(p -> p.equalsIgnoreCase("http") || p.equalsIgnoreCase("https")).orElse(scheme);
            host = first(request.getHeader("X-Forwarded-Host")).orElse(host);
        }
        return host == null || host.isBlank() ? null : scheme.toLowerCase(Locale.ROOT) + "://" + host.trim();
    }

    private static Optional<String> first(String header) {
        return Optional.ofNullable(header).map(h -> h.split(",", -1)[0].trim()).filter(h -> !h.isEmpty());
    }

    private boolean trusts(InetAddress address) {
        for (AddressRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> hops(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String hop : header.split(",", -1)) {
                hops.add(hop.trim());
            }
        }
        return hops;
    }

    /** Some proxies add the client's port: {@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}. */
    private static String withoutPort(String hop) {
        Matcher bracketed = BRACKETED_WITH_PORT.matcher(hop);
        if (bracketed.matches()) {
            return bracketed.group(1);
        }
        Matcher v4 = IPV4_WITH_PORT.matcher(hop);
        return v4.matches() ? v4.group(1) : hop;
    }
}
