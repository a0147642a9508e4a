package dev.livepad.loadgen;

import java.time.Duration;

/**
 * {@code idle}: N connections joined to N/M rooms of M members, then held quiet. Reports connect+join latency and
 * the server's memory per connection: RSS growth, and live-heap growth after a full GC (via jcmd), each divided
 * by N. Both readings are taken after a full GC on each side, so garbage is not counted.
 */
final class Idle {
    private Idle() {
    }

    static Report run(Bench bench, Args args) {
        int connections = args.integer("connections", 10_000);
        int members = args.integer("members", 10);
        double hold = args.decimal("hold", 10);
        int concurrency = args.integer("join-concurrency", 200);
        args.requireAllUsed();
        int rooms = Math.max(1, connections / members);

        ServerProbe server = bench.server();
        Report report = new Report("idle").put("connections", rooms * members).put("rooms", rooms)
                .put("members", members).put("holdS", hold);
        long heapBefore = server.liveHeapKb();
        long rssBefore = server.rssKb();
        try (Swarm swarm = bench.swarm()) {
            swarm.createRooms(rooms);
            long start = System.nanoTime();
            swarm.fill(members, concurrency);
            double joinSeconds = (System.nanoTime() - start) / 1e9;
            Swarm.sleep((long) (hold * 1000));
            long heapAfter = server.liveHeapKb();
            long rssAfter = server.rssKb();
            int n = rooms * members;
            report.put("joinSeconds", joinSeconds).put("joinsPerSec", n / joinSeconds);
            report.latency("join", swarm.joinLatency);
            report.put("serverConnections", bench.api().status().path("connections").asLong());
            report.put("serverRssBeforeMb", rssBefore / 1024.0).put("serverRssAfterMb", rssAfter / 1024.0);
            report.put("serverRssPerConnectionKb", rssBefore < 0 ? -1.0 : (rssAfter - rssBefore) / (double) n);
            report.put("serverLiveHeapBeforeMb", heapBefore / 1024.0).put("serverLiveHeapAfterMb", heapAfter / 1024.0);
            report.put("serverHeapPerConnectionKb",
                    heapBefore < 0 || heapAfter < 0 ? -1.0 : (heapAfter - heapBefore) / (double) n);
            report.put("serverHwmMb", server.hwmKb() / 1024.0);
            Bench.Outcome outcome = bench.finish(swarm, Duration.ofSeconds(10));
            outcome.addTo(report);
        }
        return report;
    }
}
