package dev.livepad.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A livepad server in a child JVM (the real {@code Main}, on this test's classpath), so tests can
 * kill it with SIGKILL or stop it with SIGTERM and start it again on the same data directory.
 */
public final class ChildServer {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    private final Process process;
    private final int port;

    private ChildServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static ChildServer start(Path dataDir, Map<String, String> env) throws IOException {
        return start(dataDir, env, "256m");
    }

    /** A child with a maximum heap of {@code heap} (a -Xmx value such as {@code 64m}). */
    public static ChildServer start(Path dataDir, Map<String, String> env, String heap) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                "dev.livepad.Main").redirectErrorStream(true);
        builder.environment().putAll(Map.of("PORT", "0", "HOST", "127.0.0.1", "DATA_DIR", dataDir.toString(),
                "EXEMPT_LOOPBACK", "true")); // many clients, all on loopback
        builder.environment().putAll(env);
        Process process = builder.start();
        // A test that fails before it stops its child must not leave a server running after the test JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "child-server-reaper"));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> pipe(process, port), "child-server-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ChildServer(process, port.get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("the child server did not start", e);
        }
    }

    /** Copies the child's log to ours (prefixed) and reports the port it listens on. */
    private static void pipe(Process process, CompletableFuture<Integer> port) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[child " + process.pid() + "] " + line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // the child is gone
        }
        port.completeExceptionally(new IOException("the child server exited before listening"));
    }

    public int port() {
        return port;
    }

    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** SIGKILL: no shutdown hook, no last commit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the graceful shutdown path; returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }
}
