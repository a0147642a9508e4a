package dev.livepad.web;

import dev.livepad.metrics.RecentEvents;
import dev.livepad.protocol.CloseCode;
import dev.livepad.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One log line per thing that happens to a connection: connect, join, leave, disconnect, refused
 * upgrade, error reply; and per HTTP request refused with an error. Each carries what finding one
 * user's trouble needs as key-value pairs (fields under {@code LOG_FORMAT=json}): {@code client},
 * {@code room}, {@code address} (the client's, through trusted proxies) and {@code instance}. Never
 * a token, a display name or document text: error messages are ours, but may quote a client's
 * field, so they are cut short and stripped of control characters, which could otherwise forge a
 * line.
 *
 * <p>Logged under {@code livepad.connections}, so an operator can turn these lines down
 * ({@code LOG_LEVEL} or logback.xml) without losing the server's own.
 */
final class ConnectionLog {
    private static final Logger LOG = LoggerFactory.getLogger("livepad.connections");
    /** Error replies logged per connection; past these, only the count in its disconnect line. */
    static final int ERRORS_LOGGED_PER_CONNECTION = 10;
    private static final int MAX_MESSAGE_CHARS = 200;

    private final String instance;
    private final RecentEvents recent;

    /** {@code recent} also gets the errors and slow-consumer closes, for the dashboard. */
    ConnectionLog(String instance, RecentEvents recent) {
        this.instance = instance;
        this.recent = recent;
    }

    void connected(String client, String address) {
        event("connect", client, address).log();
    }

    void joined(String client, String address, String room, String role, boolean resumed) {
        event("join", client, address).addKeyValue("room", room).addKeyValue("role", role)
                .addKeyValue("resumed", resumed).log();
    }

    /** {@code why}: {@code leave} (asked for), {@code disconnect}. */
    void left(String client, String address, String room, String why) {
        event("leave", client, address).addKeyValue("room", room).addKeyValue("why", why).log();
    }

    void disconnected(String client, String address, int code, String reason, long seconds, long errors) {
        if (code == CloseCode.TRY_AGAIN_LATER.code()) {
            recent.add(new RecentEvents.Event(System.currentTimeMillis(), "slow_consumer", client, null,
                    Integer.toString(code), clean(reason)));
        }
        event("disconnect", client, address).addKeyValue("code", code).addKeyValue("reason", clean(reason))
                .addKeyValue("seconds", seconds).addKeyValue("errors", errors).log();
    }

    void refused(String address, ErrorCode code, String message) {
        LOG.atInfo().setMessage("upgrade refused").addKeyValue("address", address).addKeyValue("instance", instance)
                .addKeyValue("code", code.wireName()).addKeyValue("detail", clean(message)).log();
    }

    /** An error reply; rate_limited ones at DEBUG, since a flood of them is the client's choice. */
    void error(String client, String address, String room, ErrorCode code, String message) {
        LoggingEventBuilder line = code == ErrorCode.RATE_LIMITED ? LOG.atDebug() : LOG.atInfo();
        line.setMessage("error").addKeyValue("client", client).addKeyValue("address", address)
                .addKeyValue("instance", instance);
        if (room != null) { // as the client sent it, so perhaps no room name at all
            line.addKeyValue("room", clean(room));
        }
        line.addKeyValue("code", code.wireName()).addKeyValue("detail", clean(message)).log();
        recent.add(new RecentEvents.Event(
                System.currentTimeMillis(),
                "error",
                client,
                room == null ? null : clean(room),
                code.wireName(),
                clean(message)));
    }

    /**
     * An HTTP request refused with one of the protocol's errors; {@code not_found} at DEBUG, since
     * scanners probe for paths all day.
     */
    void httpError(String address, String method, String path, ErrorCode code, String message) {
        LoggingEventBuilder line = code == ErrorCode.NOT_FOUND ? LOG.atDebug() : LOG.atInfo();
        line.setMessage("http error").addKeyValue("address", address).addKeyValue("instance", instance)
                .addKeyValue("method", method).addKeyValue("path", clean(path)).addKeyValue("code", code.wireName())
                .addKeyValue("detail", clean(message)).log();
    }

    /** The last error of a connection that is logged; later ones are only counted. */
    void errorsSuppressed(String client, String address) {
        event("further errors of this connection are counted, not logged", client, address).log();
    }

    private LoggingEventBuilder event(String what, String client, String address) {
        return LOG.atInfo().setMessage(what).addKeyValue("client", client).addKeyValue("address", address)
                .addKeyValue("instance", instance);
    }

    /** At most {@link #MAX_MESSAGE_CHARS} characters, control characters replaced by a space. */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        String cut = text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "..." : text;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return out.toString();
    }
}
