package dev.livepad;

import dev.livepad.admin.Cli;

/**
 * Starts livepad with settings from the environment, and stops it gracefully on SIGTERM; with
 * arguments, runs an operator's command instead ({@link Cli}: backup, restore, export).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            int status = Cli.run(args, System.getenv(), System.out, System.err);
            if (status != Cli.DONE) {
                System.exit(status);
            }
            return;
        }
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
