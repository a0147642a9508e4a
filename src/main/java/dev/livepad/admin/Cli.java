package dev.livepad.admin;

import dev.livepad.Config;
import dev.livepad.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The operator's commands of the server's jar ({@code java -jar livepad.jar backup DEST}), run in
 * their own process beside a running server. They read DATA_DIR from the environment exactly as
 * the server does. Exit status: 0 done, 1 refused or failed (the message says why), 2 a wrong
 * command line or settings.
 */
public final class Cli {
    public static final int DONE = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: java -jar livepad.jar                start the server (settings from the environment)
                   java -jar livepad.jar backup DEST    copy DATA_DIR's database and token secret into DEST,
                                                         a new directory, while the server runs
                   java -jar livepad.jar restore SRC    put the backup SRC into DATA_DIR, which must hold
                                                         no database and not be in use
                   java -jar livepad.jar export DIR     write every room's text into DIR, a new directory,
                                                         indexed by rooms.json
            DATA_DIR (default ./data) comes from the environment, as for the server. See docs/operations.md.""";

    private Cli() {
    }

    /** Runs the command named by {@code args[0]}; returns the exit status. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "" : args[0];
        if (args.length == 1 && (command.equals("help") || command.equals("--help") || command.equals("-h"))) {
            out.println(USAGE_TEXT);
            return DONE;
        }
        if (args.length != 2 || args[1].isBlank() || !(command.equals("backup") || command.equals("restore")
                || command.equals("export"))) {
            err.println(
                    "livepad: " + (args.length == 0 ? "no command" : "cannot run '" + String.join(" ", args) + "'"));
            err.println(USAGE_TEXT);
            return USAGE;
        }
        Config config;
        try {
            config = embeddedStore(Config.fromEnv(env));
        } catch (IllegalArgumentException e) {
            err.println("livepad " + command + ": " + e.getMessage());
            return USAGE;
        }
        Path path = Path.of(args[1]);
        try {
            switch (command) {
                case "backup" -> Backup.run(config, path, out);
                case "restore" -> Restore.run(config, path, out);
                default -> Export.run(config, path, out);
            }
            return DONE;
        } catch (Refused | StoreException | IOException | UncheckedIOException | IllegalStateException e) {
            err.println("livepad " + command + ": " + e.getMessage());
            return FAILED;
        }
    }

    /** These commands work on the SQLite file in DATA_DIR; other stores are backed up otherwise. */
    private static Config embeddedStore(Config config) {
        if (config.clustered()) {
            throw new IllegalArgumentException("DATABASE_URL is set: the rooms are in PostgreSQL; back them up with"
                    + " pg_dump (docs/operations.md, Backups)");
        }
        if (!"sqlite".equals(config.store())) {
            throw new IllegalArgumentException("STORE is " + config.store() + ": there is no data directory to act on");
        }
        return config;
    }
}
