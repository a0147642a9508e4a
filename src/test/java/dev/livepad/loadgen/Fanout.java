package dev.livepad.loadgen;

import java.time.Duration;

/**
 * {@code fanout}: R rooms of M members; every member types one character every I ms, at random places or
 * ({@code --at cursor}) at a cursor of its own, as people type. After a warm-up, measures
 * for D seconds: op and delivery rates, end-to-end and ack latency, and the server's CPU per delivery.
 */
final class Fanout {
    private Fanout() {
    }

    static Report run(Bench bench, Args args) {
        int rooms = args.integer("rooms", 50);
        int members = args.integer("members", 4);
        double intervalMs = args.decimal("interval-ms", 50);
        double duration = args.decimal("duration", 30);
        double warmup = args.decimal("warmup", 5);
        int docChars = args.integer("doc-chars", 0);
        int maxChars = args.integer("max-doc-chars", docChars + 1000);
        int concurrency = args.integer("join-concurrency", 200);
        String at = args.string("at", "random");
        if (!at.equals("random") && !at.equals("cursor")) {
            throw new IllegalArgumentException("--at is random or cursor, not " + at);
        }
        args.requireAllUsed();

        Report report = new Report("fanout").put("rooms", rooms).put("members", members)
                .put("intervalMs", intervalMs).put("durationS", duration).put("warmupS", warmup)
                .put("docChars", docChars).put("at", at);
        try (Swarm swarm = bench.swarm()) {
            swarm.createRooms(rooms);
            swarm.fill(1, concurrency);
            swarm.seed(docChars);
            swarm.fill(members, concurrency);
            swarm.configure(maxChars, at.equals("cursor"));
            bench.tally().begin("warmup");
            swarm.startTyping(e -> true, (long) (intervalMs * 1000));
            Swarm.sleep((long) (warmup * 1000));
            Window w = bench.measure("measure", duration);
            Bench.Outcome outcome = bench.finish(swarm, Duration.ofSeconds(30));
            Bench.traffic(report, w);
            outcome.addTo(report);
        }
        return report;
    }
}
