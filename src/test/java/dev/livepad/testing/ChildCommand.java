package dev.livepad.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An operator's command ({@code backup DEST}, ...) run by the real {@code Main} in a child JVM, as
 * {@code java -jar livepad.jar backup DEST} runs it beside a server: its exit status and output.
 */
public record ChildCommand(int exitCode, String out, String err) {

    /** Runs {@code Main args} with {@code env} over this JVM's environment; fails after 60 s. */
    public static ChildCommand run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.livepad.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("'" + String.join(" ", args) + "' did not finish within 60 s");
        }
        ChildCommand done = new ChildCommand(process.exitValue(), out.join(), err.join());
        System.out.println("[" + String.join(" ", args) + " -> " + done.exitCode + "]\n" + done.out + done.err);
        return done;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
