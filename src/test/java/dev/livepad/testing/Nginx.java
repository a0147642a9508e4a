package dev.livepad.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx as a child process (not a daemon), with its own configuration, pid file, logs
 * and temp directories under one directory, listening on a free loopback port; for tests of
 * livepad behind a real reverse proxy. Tests skip when nginx is not installed, unless
 * LIVEPAD_REQUIRE_SERVICES=true (CI), where that is a failure.
 */
public final class Nginx implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final Path dir;
    private final int port;

    private Nginx(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Skips the calling test when there is no nginx, or fails it when CI demands one. */
    public static void requireInstalled() {
        boolean present = Files.isExecutable(BINARY);
        if (!present && Services.required()) {
            throw new AssertionError("LIVEPAD_REQUIRE_SERVICES=true but " + BINARY
                    + " is missing (apt-get install nginx)");
        }
        assumeTrue(present, "nginx is not installed; proxy tests skipped");
    }

    /** A free port on 127.0.0.1 for a server block's {@code listen}. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An http block for nginx on {@code 127.0.0.1:listenPort} in front of a cluster: it balances
     * requests and WebSockets round-robin over {@code upstreamPorts} on 127.0.0.1, with the
     * headers and WebSocket timeout of docs/operations.md's block, and sends a new connection that
     * fails to connect (a dead instance) to the next instance instead.
     */
    public static String loadBalancing(int listenPort, List<Integer> upstreamPorts) {
        StringBuilder upstream = new StringBuilder("upstream livepad {\n");
        // After one failed connect an instance gets no new clients for 2 s, then is tried again.
        upstreamPorts.forEach(p -> upstream.append("    server 127.0.0.1:").append(p)
                .append(" max_fails=1 fail_timeout=2s;\n"));
        return upstream.append("}\n").toString() + String.join("\n",
                "map $http_upgrade $connection_upgrade {",
                "    default upgrade;",
                "    ''      close;",
                "}",
                "",
                "server {",
                "    listen 127.0.0.1:" + listenPort + ";",
                "    client_header_timeout 10s;",
                "",
                "    location / {",
                "        proxy_pass http://livepad;",
                "        proxy_http_version 1.1;",
                "        proxy_set_header Upgrade $http_upgrade;",
                "        proxy_set_header Connection $connection_upgrade;",
                "        proxy_set_header Host $host;",
                "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                "        proxy_set_header X-Forwarded-Proto $scheme;",
                "        proxy_set_header X-Forwarded-Host $http_host;",
                "        proxy_read_timeout 180s;      # longer than IDLE_TIMEOUT_SECONDS: clients ping",
                "        proxy_connect_timeout 2s;     # an instance that does not answer is skipped soon",
                "        proxy_next_upstream error timeout;",
                "    }",
                "}", "");
    }

    /**
     * Starts nginx in {@code dir} with {@code httpBlock} (server blocks, maps) inside its
     * {@code http} context, and waits until it accepts connections on {@code port}.
     */
    public static Nginx start(Path dir, String httpBlock, int port) throws IOException {
        requireInstalled();
        // Run as root, nginx's workers drop to "nobody", who must be able to reach their temp dirs.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("site.conf"), httpBlock);
        Path main = dir.resolve("nginx.conf");
        Files.writeString(main, String.join("\n",
                "daemon off;",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " info;",
                "events { worker_connections 256; }",
                "http {",
                "    access_log " + dir.resolve("access.log") + ";",
                "    client_body_temp_path " + dir.resolve("client_body") + ";",
                "    proxy_temp_path " + dir.resolve("proxy") + ";",
                "    fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                "    uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                "    scgi_temp_path " + dir.resolve("scgi") + ";",
                "    include " + dir.resolve("site.conf") + ";",
                "}", ""));
        Process process = new ProcessBuilder(List.of(BINARY.toString(), "-p", dir + "/", "-c", main.toString(),
                "-e", dir.resolve("error.log").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(process, dir, port);
        nginx.awaitListening();
        return nginx;
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        close();
        throw new IOException("nginx did not listen on " + port + " within 15 s:\n" + log());
    }

    public int port() {
        return port;
    }

    /** nginx's own output and error log, for failure messages. */
    public String log() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("stdout.log", "error.log")) {
            try {
                out.append(Files.readString(dir.resolve(name)));
            } catch (IOException e) {
                out.append("(no ").append(name).append(")\n");
            }
        }
        return out.toString();
    }

    /** SIGTERM (nginx's fast shutdown), then SIGKILL if it lingers. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly); // its workers
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
