package dev.livepad.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestServer} for every test of a class, started before the first and stopped after the
 * last. Register it as {@code @RegisterExtension static final SharedServer shared = new SharedServer(...)};
 * the server exists before any test instance does, so a test can keep it in a field:
 * {@code private final TestServer server = shared.server();}.
 */
public final class SharedServer implements BeforeAllCallback, AfterAllCallback {
    private final String[] overrides;
    private TestServer server;

    /** {@code overrides} as for {@link TestServer#start(String...)}. */
    public SharedServer(String... overrides) {
        this.overrides = overrides.clone();
    }

    public TestServer server() {
        if (server == null) {
            throw new IllegalStateException("the shared server starts before the class's first test; it has not yet");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = TestServer.start(overrides);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
