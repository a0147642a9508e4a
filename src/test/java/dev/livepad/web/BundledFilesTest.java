package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.RawHttp;
import dev.livepad.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser client's files, as the packaged jar serves them (a class loader over a jar built
 * here) and as {@code mvn exec:java} does (a folder), and over HTTP from a real server.
 */
@Timeout(30)
class BundledFilesTest {
    @TempDir
    Path dir;

    @Test
    void request_paths_map_to_names_in_the_folder_and_nothing_outside_it() {
        assertEquals("index.html", BundledFiles.nameOf("/", "/"));
        assertEquals("js/app.js", BundledFiles.nameOf("/js/app.js", "/"));
        assertEquals("index.html", BundledFiles.nameOf("/static", "/static"));
        assertEquals("a.css", BundledFiles.nameOf("/static/a.css", "/static"));
        assertNull(BundledFiles.nameOf("/other/a.css", "/static"));
        assertNull(BundledFiles.nameOf("/js/", "/"), "a folder");
        assertNull(BundledFiles.nameOf("/js//app.js", "/"));
        assertNull(BundledFiles.nameOf("/js/../pom.xml", "/"));
        assertNull(BundledFiles.nameOf("/./index.html", "/"));
        assertNull(BundledFiles.nameOf("/js\\..\\index.html", "/"));
    }

    @Test
    void from_a_jar_files_are_read_once_and_folders_are_not_files() throws IOException {
        Path jar = dir.resolve("client.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("public/"));
            out.putNextEntry(new JarEntry("public/js/"));
            put(out, "public/index.html", "<!doctype html>");
            put(out, "public/js/app.js", "export {};");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertServes(new BundledFiles(loader));
        }
    }

    @Test
    void from_a_folder_too() throws IOException {
        Files.createDirectories(dir.resolve("public/js"));
        Files.writeString(dir.resolve("public/index.html"), "<!doctype html>");
        Files.writeString(dir.resolve("public/js/app.js"), "export {};");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertServes(new BundledFiles(loader));
        }
    }

    private static void assertServes(BundledFiles files) {
        BundledFiles.File index = files.lookup("/public", "index.html");
        assertEquals("text/html", index.contentType());
        assertArrayEquals("<!doctype html>".getBytes(StandardCharsets.UTF_8), index.bytes());
        assertTrue(index.etag().startsWith("W/\""), index.etag());
        assertSame(index, files.lookup("/public", "index.html"), "read once, then kept");
        BundledFiles.File script = files.lookup("/public", "js/app.js");
        assertEquals("text/javascript", script.contentType());
        assertNotEquals(index.etag(), script.etag());
        assertNull(files.lookup("/public", "js"), "a folder is not a file");
        assertNull(files.lookup("/public", "missing.js"));
    }

    @Test
    void over_http_the_page_its_types_etags_and_404s() throws IOException {
        try (TestServer server = TestServer.start()) {
            RawHttp.Response page = get(server, "GET", "/");
            assertEquals(200, page.status(), page.toString());
            assertTrue(page.header("content-type").startsWith("text/html"), page.toString());
            assertEquals("no-cache", page.header("cache-control"));
            assertEquals(expected("public/index.html"), page.body());
            assertEquals(page.body(), get(server, "GET", "/index.html").body());

            RawHttp.Response script = get(server, "GET", "/js/app.js");
            assertEquals("text/javascript", script.header("content-type"));
            String etag = script.header("etag");
            assertTrue(etag.startsWith("W/\""), etag);
            RawHttp.Response again = get(server, "GET", "/js/app.js", "If-None-Match: " + etag);
            assertEquals(304, again.status(), again.toString());
            assertEquals("", again.body());
            assertEquals(200, get(server, "GET", "/js/app.js", "If-None-Match: W/\"other\"").status());

            RawHttp.Response head = get(server, "HEAD", "/css/app.css");
            assertEquals(200, head.status(), head.toString());
            assertEquals("text/css", head.header("content-type"));
            assertEquals("", head.body());

            for (String missing : List.of("/js", "/js/", "/nope.js", "/public/index.html", "/js/%2e%2e/index.html",
                    "/..%2fpom.xml")) {
                RawHttp.Response r = get(server, "GET", missing);
                assertTrue(r.status() == 404 || r.status() == 400, missing + ": " + r);
                assertTrue(r.header("content-type").startsWith("application/json"), missing + ": " + r);
            }
            RawHttp.Response post = get(server, "POST", "/index.html");
            assertTrue(post.status() == 404 || post.status() == 405, post.toString());
        }
    }

    private static RawHttp.Response get(TestServer server, String method, String path, String... headers) {
        return RawHttp.exchange(RawHttp.connectFrom("127.0.0.1", server.port()), method, path,
                "127.0.0.1:" + server.port(), List.of(headers), null);
    }

    private static String expected(String resource) throws IOException {
        try (InputStream in = BundledFilesTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void put(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
