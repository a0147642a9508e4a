package dev.livepad.store;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * A {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAMS]} URL (also {@code postgres://}),
 * the form libpq, Heroku and most hosting panels hand out, taken apart for pgjdbc: the JDBC URL
 * carries host, port, database and the query parameters unchanged; user and password travel as
 * driver properties, so the password never sits in a string that could be logged.
 *
 * <p>{@link #toString} omits the password and the query (which may hold {@code sslpassword}).
 */
record PostgresUrl(String host, int port, String database, String user, String password, String query) {

    static final int DEFAULT_PORT = 5432;

    private static final String FORM = "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAMS]";

    /**
     * Driver settings the store relies on; a parameter of the same name in the URL's query wins.
     * The timeouts turn a cut or silent connection into an error within seconds instead of a
     * writer or reader stuck in a socket read; batched inserts are rewritten to multi-row INSERTs.
     * Error messages leave out the statement's parameters and the server's detail, which would
     * otherwise copy document text and room ids into the log.
     */
    static Properties defaultProperties() {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "5");
        properties.setProperty("socketTimeout", "10");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("reWriteBatchedInserts", "true");
        properties.setProperty("logServerErrorDetail", "false");
        properties.setProperty("ApplicationName", "livepad");
        return properties;
    }

    /** Parses {@code url}; the message of the exception never contains the password. */
    static PostgresUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw invalid("is empty", "");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw invalid("is not a valid URL (percent-encode special characters in the password)", url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
            throw invalid("must start with postgresql:// or postgres://", url);
        }
        if (uri.isOpaque() || uri.getHost() == null) {
            throw invalid("has no host (percent-encode '@', ':' and '/' in the password)", url);
        }
        if (uri.getRawFragment() != null) {
            throw invalid("must not have a #fragment", url);
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty() || userInfo.startsWith(":")) {
            throw invalid("names no user", url);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.matches("/[^/]+")) {
            throw invalid("must name exactly one database after the host", url);
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), url);
        String password = colon < 0 ? null : decode(userInfo.substring(colon + 1), url);
        return new PostgresUrl(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
                decode(path.substring(1), url), user, password, uri.getRawQuery());
    }

    /**
     * {@code jdbc:postgresql://HOST:PORT/DB?PARAMS}. pgjdbc URL-decodes the database name, so it is
     * encoded again; the query is passed on exactly as written.
     */
    String jdbcUrl() {
        String jdbc = "jdbc:postgresql://" + host + ":" + port + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8);
        return query == null || query.isEmpty() ? jdbc : jdbc + "?" + query;
    }

    /** {@link #defaultProperties} plus user and password, for {@code Driver.connect(jdbcUrl(), ...)}. */
    Properties driverProperties() {
        Properties properties = defaultProperties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        return properties;
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    /** The URL with the password, if any, replaced by {@code ***}; the query is left out. */
    static String redact(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url.contains(":") ? "(unparseable URL not shown)" : url;
        }
        int schemeEnd = url.indexOf("://");
        int userStart = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 3 : 0;
        String userInfo = url.substring(userStart, at);
        int colon = userInfo.indexOf(':');
        String tail = url.substring(at);
        int query = tail.indexOf('?');
        return url.substring(0, userStart) + (colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***")
                + (query < 0 ? tail : tail.substring(0, query) + "?...");
    }

    private static IllegalArgumentException invalid(String problem, String url) {
        return new IllegalArgumentException("the PostgreSQL URL " + problem + "; expected " + FORM
                + (url.isEmpty() ? "" : ", got " + redact(url)));
    }

    /** Percent-decoding as URIs define it ('+' stays '+', unlike form decoding), as UTF-8. */
    private static String decode(String raw, String url) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        int plain = 0; // start of the run of characters not yet copied
        for (int i = 0; i <= raw.length(); i++) {
            if (i < raw.length() && raw.charAt(i) != '%') {
                continue;
            }
            bytes.writeBytes(raw.substring(plain, i).getBytes(StandardCharsets.UTF_8));
            if (i == raw.length()) {
                break;
            }
            int value = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)) : -1;
            if (value < 0) {
                throw invalid("has a broken %-escape", url);
            }
            bytes.write(value);
            i += 2;
            plain = i + 1;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        int digit = Character.digit(c, 16);
        return digit < 0 ? -1000 : digit;
    }
}
