package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The service worker's install list (public/sw.js) holds every module the page loads, following
 * the static imports from js/app.js: one missing would be fetched online and cached by then, but
 * not at install, and a room opened offline before that would fail to load.
 */
class ServiceWorkerShellTest {
    private static final Path PUBLIC = Path.of("public");
    private static final Pattern IMPORT = Pattern.compile("^import\\s[^;]*?from\\s+'\\./([\\w.-]+\\.js)';",
            Pattern.MULTILINE);
    private static final Pattern SHELL = Pattern.compile("const SHELL = \\[(.*?)];", Pattern.DOTALL);
    private static final Pattern ENTRY = Pattern.compile("'(/js/[\\w.-]+\\.js)'");

    @Test
    void every_module_the_page_imports_is_cached_at_install() throws IOException {
        Set<String> imported = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add("app.js");
        while (!todo.isEmpty()) {
            String module = todo.pop();
            if (!imported.add("/js/" + module)) {
                continue;
            }
            Matcher m = IMPORT.matcher(Files.readString(PUBLIC.resolve("js").resolve(module)));
            while (m.find()) {
                todo.add(m.group(1));
            }
        }
        assertTrue(imported.contains("/js/history.js"), "the walk follows the imports: " + imported);

        Matcher shell = SHELL.matcher(Files.readString(PUBLIC.resolve("sw.js")));
        assertTrue(shell.find(), "sw.js has a SHELL list");
        Set<String> cached = new TreeSet<>();
        Matcher entry = ENTRY.matcher(shell.group(1));
        while (entry.find()) {
            cached.add(entry.group(1));
        }
        Set<String> missing = new TreeSet<>(imported);
        missing.removeAll(cached);
        assertEquals(Set.of(), missing, "modules the page imports that sw.js does not cache at install");
    }
}
