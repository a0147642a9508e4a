package dev.livepad.browser;

import dev.livepad.testing.SharedServer;
import dev.livepad.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * What a browser test class drives: Chromium (the class skips, or fails on CI, without it), one
 * server for all its tests, and the windows it opens. A window opened in {@code @BeforeAll} stays
 * open until the class is done; one opened by a test (in a field, a {@code @BeforeEach} or the test
 * itself) is closed after that test. Register it as
 * {@code @RegisterExtension static final Site site = new Site(...)}.
 */
final class Site implements BeforeAllCallback, TestInstancePreConstructCallback, AfterEachCallback, AfterAllCallback {
    private final SharedServer shared;
    private final List<Browser> classWindows = new ArrayList<>();
    private final List<Browser> testWindows = new ArrayList<>();
    private List<Browser> opening = classWindows;

    /** {@code overrides} as for {@link TestServer#start(String...)}. */
    Site(String... overrides) {
        this.shared = new SharedServer(overrides);
    }

    /** The class's server, there from before the first test instance is made. */
    TestServer server() {
        return shared.server();
    }

    Browser window(String label, int width, int height) {
        return windows(width, height, label).get(0);
    }

    /** One window per label, launched side by side ({@link Chromium#launchAll}). */
    List<Browser> windows(int width, int height, String... labels) {
        List<Browser> launched = Chromium.launchAll(width, height, labels);
        opening.addAll(launched);
        return launched;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Chromium.requireInstalled();
        shared.beforeAll(context);
    }

    /**
     * From the first test instance on, windows belong to the test. Any still open are a previous
     * test's that failed while it was being made, so no afterEach ran: they close now.
     */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        closeAll(testWindows);
        opening = testWindows;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeAll(testWindows);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            closeAll(testWindows);
            closeAll(classWindows);
        } finally {
            shared.afterAll(context);
        }
    }

    private static void closeAll(List<Browser> open) {
        open.forEach(Browser::close);
        open.clear();
    }
}
