package dev.livepad.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker, {@code promtool} (Debian's {@code prometheus} package), run as a
 * child process. Tests that need it skip when it is absent, unless LIVEPAD_REQUIRE_SERVICES=true
 * (CI), where that is a failure.
 */
public final class Promtool {
    private static final Path BINARY = Path.of("/usr/bin/promtool");

    /** What one run printed, and how it ended. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Promtool() {
    }

    /** Skips the calling test when promtool is missing, or fails it when CI demands it. */
    public static void requireInstalled() {
        boolean present = Files.isExecutable(BINARY);
        if (!present && Services.required()) {
            throw new AssertionError("LIVEPAD_REQUIRE_SERVICES=true but " + BINARY
                    + " is missing (apt-get install prometheus)");
        }
        assumeTrue(present, "promtool is not installed; Prometheus checks skipped");
    }

    /** Runs {@code promtool ARGS...}, feeding {@code stdin} if not null; waits at most 60 s. */
    public static Result run(String stdin, String... args) {
        requireInstalled();
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("promtool " + args[0] + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
