package dev.livepad.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A livepad server in a child JVM (the real {@code Main}, on this test's classpath), so tests can
 * kill it with SIGKILL or stop it with SIGTERM and start it again on the same data directory.
 */
public final class ChildServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
    private static final int TAIL_LINES = 40;

    private final Process process;
    private final int port;
    private final Launch launch;
    private final List<String> output;

    private ChildServer(Process process, int port, Launch launch, List<String> output) {
        this.process = process;
        this.port = port;
        this.launch = launch;
        this.output = output;
    }

    /** How a child was started, so that it can be started again the same way. */
    private record Launch(String name, Path dataDir, Map<String, String> env, String heap) {
        Launch {
            env = Collections.unmodifiableMap(new HashMap<>(env)); // a copy: the caller's later changes stay out
        }
    }

    public static ChildServer start(Path dataDir, Map<String, String> env) throws IOException {
        return start(dataDir, env, "256m");
    }

    /** A child with a maximum heap of {@code heap} (a -Xmx value such as {@code 64m}). */
    public static ChildServer start(Path dataDir, Map<String, String> env, String heap) throws IOException {
        return start(new Launch("child", dataDir, env, heap));
    }

    /**
     * A child whose log lines are prefixed with {@code name} (such as an instance id), for several
     * children in one test: {@code env} is applied over the defaults (PORT=0, HOST=127.0.0.1,
     * DATA_DIR, EXEMPT_LOOPBACK=true, DRAIN_SECONDS=0), and a null value removes a default. A cluster instance passes
     * its own PORT, so that it comes back on the same port, where a proxy still sends to it.
     */
    public static ChildServer start(String name, Path dataDir, Map<String, String> env) throws IOException {
        return start(new Launch(name, dataDir, env, "256m"));
    }

    /** A new child with this one's name, data directory, environment and heap; stop this one first. */
    public ChildServer startAgain() throws IOException {
        return start(launch);
    }

    private static ChildServer start(Launch launch) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx" + launch.heap(), "-cp",
                System.getProperty("java.class.path"), "dev.livepad.Main").redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.putAll(Map.of("PORT", "0", "HOST", "127.0.0.1", "DATA_DIR", launch.dataDir().toString(),
                "EXEMPT_LOOPBACK", "true", // many clients, all on loopback
                "DRAIN_SECONDS", "0")); // stopped at once unless a test is about draining
        launch.env().forEach((key, value) -> {
            if (value == null) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
        });
        Process process = builder.start();
        // A test that fails before it stops its child must not leave a server running after the test JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "child-server-reaper"));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> pipe(launch.name(), process, port, output), launch.name() + "-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ChildServer(process, port.get(30, TimeUnit.SECONDS), launch, output);
        } catch (Exception e) {
            process.destroyForcibly();
            String last;
            synchronized (output) {
                last = String.join("\n", output.subList(Math.max(0, output.size() - TAIL_LINES), output.size()));
            }
            throw new IOException("the child server " + launch.name() + " did not start; its last lines:\n" + last, e);
        }
    }

    /** Copies the child's log to ours (prefixed), keeps its lines and reports the port it listens on. */
    private static void pipe(String name, Process process, CompletableFuture<Integer> port, List<String> output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[" + name + " " + process.pid() + "] " + line);
                output.add(line);
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

    /** Every line the child has written so far (stdout and stderr), oldest first. */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
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

    /** For cleanup: SIGTERM, then SIGKILL after 10 s; never throws. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
