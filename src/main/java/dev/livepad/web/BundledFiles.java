package dev.livepad.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.ResourceHandler;
import io.javalin.http.staticfiles.StaticFileConfig;
import io.javalin.security.RouteRole;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import org.eclipse.jetty.http.MimeTypes;

/**
 * Serves the browser client's files (one class-path folder, {@code /public}) from memory, in
 * place of Javalin's handler. That one reaches the files through Jetty, which mounts the whole
 * jar (14,882 entries) as a zip file system each time it looks up the folder: four mounts at
 * start-up, to serve 35 files of 206 KB, and a fresh server's live heap was 24.6 MB with them
 * and is 8.5 MB without (docs/performance.md).
 * Here a file is read from the class path once, through the class loader's own view of the
 * jar, and kept with its type and ETag: the client's files are all there is, so what is kept
 * is bounded by them; a missing path is looked up again each time and never kept.
 *
 * <p>As before: GET and HEAD, the folder's {@code index.html} for its root, the configured
 * headers, a weak ETag (Javalin answers a matching {@code If-None-Match} with 304), Javalin's
 * compression of the result; a folder, a missing file or a path that leaves the folder falls
 * through (404).
 */
final class BundledFiles implements ResourceHandler {
    record File(byte[] bytes, String contentType, String etag) {
    }

    private final ClassLoader loader;
    private final Map<String, File> found = new ConcurrentHashMap<>();
    private volatile StaticFileConfig config;

    BundledFiles() {
        this(BundledFiles.class.getClassLoader());
    }

    /** Files from {@code loader}'s class path; the server's own, but for tests. */
    BundledFiles(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public boolean addStaticFileConfig(StaticFileConfig files) {
        if (config != null) {
            throw new IllegalStateException("one folder of bundled files is served, and it is already "
                    + config.directory);
        }
        config = files;
        return true;
    }

    @Override
    public boolean canHandle(Context ctx) {
        return file(ctx) != null;
    }

    @Override
    public boolean handle(Context ctx) {
        File file = file(ctx);
        if (file == null) {
            return false;
        }
        config.headers.forEach(ctx::header);
        // Javalin answers 304 itself when If-None-Match names the ETag set here (BundledFilesTest checks it).
        ctx.header("ETag", file.etag()).contentType(file.contentType()).result(file.bytes());
        return true;
    }

    @Override
    public Set<RouteRole> resourceRouteRoles(Context ctx) {
        return Set.of();
    }

    private File file(Context ctx) {
        StaticFileConfig files = config;
        if (files == null || (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD)) {
            return null;
        }
        String name = nameOf(ctx.path(), files.hostedPath);
        return name == null ? null : lookup(files.directory, name);
    }

    /** The file {@code name} of the class-path folder {@code directory}, or null if there is no such file. */
    File lookup(String directory, String name) {
        String resource = (directory.startsWith("/") ? directory.substring(1) : directory) + "/" + name;
        File known = found.get(resource);
        if (known != null) {
            return known;
        }
        File loaded = load(resource);
        return loaded == null ? null : found.computeIfAbsent(resource, r -> loaded);
    }

    /**
     * The file's name under the folder for a request path, or null when the path is not under
     * {@code hostedPath} or has a segment that is empty, {@code .} or {@code ..}: Jetty has
     * already resolved those in a request's path, so one that is left is refused, not resolved.
     */
    static String nameOf(String path, String hostedPath) {
        String prefix = hostedPath.endsWith("/") ? hostedPath : hostedPath + "/";
        String rest;
        if (path.equals(hostedPath) || path.equals(prefix)) {
            rest = "";
        } else if (path.startsWith(prefix)) {
            rest = path.substring(prefix.length());
        } else {
            return null;
        }
        if (rest.isEmpty()) {
            return "index.html";
        }
        for (String segment : rest.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\\') >= 0) {
                return null;
            }
        }
        return rest;
    }

    private File load(String resource) {
        URL url = loader.getResource(resource);
        if (url == null || isFolder(url)) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readAllBytes();
            CRC32 crc = new CRC32();
            crc.update(bytes);
            String type = MimeTypes.DEFAULTS.getMimeByExtension(resource);
            return new File(bytes, type == null ? "application/octet-stream" : type,
                    "W/\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(bytes.length) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled file " + resource, e);
        }
    }

    // A folder is a resource too: in the jar its entry (the JDK finds "public/js/" for "public/js"),
    // and run from target/classes (mvn exec:java) a directory, which reads as a listing.
    private static boolean isFolder(URL url) {
        try {
            if ("jar".equals(url.getProtocol())) {
                JarEntry entry = ((JarURLConnection) url.openConnection()).getJarEntry();
                return entry == null || entry.isDirectory();
            }
            return "file".equals(url.getProtocol()) && Files.isDirectory(Path.of(url.toURI()));
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return true;
        }
    }
}
