package dev.livepad.loadgen;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * {@code bigroom}: one room with many members of whom a few type; every op reaches every other member, so one
 * keystroke costs the server hundreds of sends. Reports latency and deliveries/s like {@code fanout}.
 */
final class BigRoom {
    private BigRoom() {
    }

    static Report run(Bench bench, Args args) {
        int members = args.integer("members", 1000);
        int typists = args.integer("typists", 50);
        double intervalMs = args.decimal("interval-ms", 200);
        double duration = args.decimal("duration", 30);
        double warmup = args.decimal("warmup", 5);
        int maxChars = args.integer("max-doc-chars", 1000);
        int concurrency = args.integer("join-concurrency", 100);
        args.requireAllUsed();

        Report report = new Report("bigroom").put("members", members).put("typists", typists)
                .put("intervalMs", intervalMs).put("durationS", duration).put("warmupS", warmup);
        try (Swarm swarm = bench.swarm()) {
            swarm.createRooms(1);
            long start = System.nanoTime();
            swarm.fill(members, concurrency);
            report.put("joinSeconds", (System.nanoTime() - start) / 1e9);
            swarm.configure(maxChars, false);
            int first = swarm.editors().get(0).index;
            Predicate<Editor> typist = e -> e.index - first < typists;
            report.put("followers", swarm.followWitnesses(typist));
            bench.tally().begin("warmup");
            swarm.startTyping(typist, (long) (intervalMs * 1000));
            Swarm.sleep((long) (warmup * 1000));
            Window w = bench.measure("measure", duration);
            Bench.Outcome outcome = bench.finish(swarm, Duration.ofSeconds(60));
            Bench.traffic(report, w);
            outcome.addTo(report);
        }
        return report;
    }
}
