package dev.livepad;

/** Starts livepad with settings from the environment, and stops it gracefully on SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LivepadServer server;
        try {
            server = new LivepadServer(Config.fromEnv(System.getenv()));
        } catch (IllegalArgumentException e) {
            System.err.println("livepad: " + e.getMessage());
            System.exit(2);
            return;
        }
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "livepad-shutdown"));
    }
}
