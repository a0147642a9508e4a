package dev.livepad.loadgen;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The load generator's command line: {@code mvn -q exec:exec@loadgen -Dloadgen.args="SCENARIO [--options]"}.
 * Prints a human summary and then one JSON line; exits 0 only if the run had no errors and every room converged.
 * docs/performance.md lists the scenarios, their options and the commands behind the published numbers.
 */
public final class LoadGen {
    private static final String USAGE = """
            usage: LoadGen fanout|saturate|idle|bigroom [--url http://127.0.0.1:3000] [--pid SERVER_PID] [options]
              a cluster: --url URL1,URL2,URL3 spreads each room's members over the instances, --pid P1,P2,P3 sums
              their CPU, and --support-pids PIDS (PostgreSQL's and Redis's) reports theirs apart
              fanout    --rooms 50 --members 4 --interval-ms 50 --duration 30 --warmup 5 [--doc-chars 0]
                        [--at random|cursor]: where members type (default random places)
              saturate  --rooms 200 --members 4 --start-rate 5000 --factor 1.25 --step-duration 8 --p99-ms 50
              idle      --connections 10000 --members 10 --hold 10
              bigroom   --members 1000 --typists 50 --interval-ms 200 --duration 30
              common    --io-threads 2 (client event loops), --allow-remote (targets off loopback)
            """;

    private LoadGen() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(USAGE); // asked for, so not an error: exec:exec@loadgen without arguments ends here
            return;
        }
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.print(USAGE);
            System.exit(64);
        }
        try {
            Report report = run(args, System.out);
            boolean clean = (long) report.get("errors") == 0 && expectedRoomsConverged(report);
            System.exit(clean ? 0 : 1);
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(64);
        }
    }

    /** Runs one scenario, prints its summary and JSON line to {@code out}, and returns the report. */
    static Report run(String[] args, PrintStream out) {
        Args options = new Args(args, 1);
        List<URI> urls = Arrays.stream(options.string("url", "http://127.0.0.1:3000").split(","))
                .map(String::trim).map(URI::create).toList();
        boolean allowRemote = options.flag("allow-remote", false);
        urls.forEach(u -> requireLoopback(u, allowRemote));
        URI url = urls.get(0);
        ServerProbe server = new ServerProbe(options.pids("pid"));
        ServerProbe support = new ServerProbe(options.pids("support-pids"));
        try (WsLoops sockets = new WsLoops(options.integer("io-threads", 2))) {
            Bench bench = new Bench(new ServerApi(urls), server, support, sockets, new Tally());
            Report report = switch (args[0]) {
                case "fanout" -> Fanout.run(bench, options);
                case "saturate" -> Saturate.run(bench, options);
                case "idle" -> Idle.run(bench, options);
                case "bigroom" -> BigRoom.run(bench, options);
                default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
            };
            report.put("serverPid", server.pid());
            out.println(args[0] + " against " + urls + (server.enabled() ? " (pid " + server.pid() + ")" : ""));
            out.print(report.summary());
            out.println(report.jsonLine());
            out.flush();
            return report;
        }
    }

    private static boolean expectedRoomsConverged(Report report) {
        Object rooms = report.get("rooms");
        int expected = rooms instanceof Integer n ? n : 1;
        return (int) report.get("convergedRooms") == expected;
    }

    /** Load goes to this machine unless asked otherwise: a benchmark should never surprise a network. */
    private static void requireLoopback(URI url, boolean allowRemote) {
        try {
            if (!allowRemote && !InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
                throw new IllegalArgumentException(url.getHost() + " is not a loopback address; pass --allow-remote"
                        + " to load a server elsewhere");
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + url.getHost());
        }
    }
}
