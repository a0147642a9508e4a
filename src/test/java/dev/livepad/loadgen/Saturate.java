package dev.livepad.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code saturate}: the fanout setup with the offered load raised step by step (by {@code --factor}) until a step
 * misses: p99 end-to-end latency above {@code --p99-ms}, any error, or fewer than 90% of the offered deliveries
 * arriving. A missed step is measured again up to {@code --retries} times (one GC pause or a noisy neighbour
 * should not end the climb), and the highest deliveries/s of a step that held is the result. Each step has its own
 * warm-up so that latencies of one load do not leak into the next; the first one is longer, to let the JIT settle.
 */
final class Saturate {
    private Saturate() {
    }

    static Report run(Bench bench, Args args) {
        int rooms = args.integer("rooms", 200);
        int members = args.integer("members", 4);
        double rate = args.decimal("start-rate", 5_000);
        double factor = args.decimal("factor", 1.25);
        double stepSeconds = args.decimal("step-duration", 8);
        double warmup = args.decimal("warmup", 3);
        double firstWarmup = args.decimal("initial-warmup", 10);
        double p99Bound = args.decimal("p99-ms", 50);
        int maxSteps = args.integer("max-steps", 20);
        int retries = args.integer("retries", 1);
        int maxChars = args.integer("max-doc-chars", 1000);
        args.requireAllUsed();

        Report report = new Report("saturate").put("rooms", rooms).put("members", members)
                .put("p99BoundMs", p99Bound).put("stepDurationS", stepSeconds);
        List<Map<String, Object>> steps = new ArrayList<>();
        Report best = null;
        try (Swarm swarm = bench.swarm()) {
            swarm.createRooms(rooms);
            swarm.fill(members, 200);
            swarm.configure(maxChars, false);
            int attempt = 0;
            for (int step = 1; step <= maxSteps; step++) {
                Report r = step(bench, swarm, step, rate, rooms * members * (members - 1),
                        step == 1 && attempt == 0 ? Math.max(warmup, firstWarmup) : warmup, stepSeconds);
                boolean held = (long) r.get("errors") == 0 && (double) r.get("e2eP99Ms") <= p99Bound
                        && (double) r.get("deliveriesPerSec") >= 0.9 * rate;
                r.put("held", held);
                steps.add(new LinkedHashMap<>(r.values()));
                System.err.printf("loadgen: saturate step %d offered %.0f/s got %.0f/s p99 %.1f ms %s%n", step, rate,
                        (double) r.get("deliveriesPerSec"), (double) r.get("e2eP99Ms"), held ? "held" : "MISSED");
                if (held) {
                    best = best == null || (double) r.get("deliveriesPerSec") > (double) best.get("deliveriesPerSec")
                            ? r : best;
                    rate *= factor;
                    attempt = 0;
                } else if (++attempt > retries) {
                    break;
                } else {
                    step--; // measure the same load again
                }
            }
            Bench.Outcome outcome = bench.finish(swarm, Duration.ofSeconds(60));
            report.put("sustainedDeliveriesPerSec", best == null ? 0.0 : best.get("deliveriesPerSec"));
            report.put("sustainedOpsPerSec", best == null ? 0.0 : best.get("opsPerSec"));
            report.put("sustainedE2eP99Ms", best == null ? -1.0 : best.get("e2eP99Ms"));
            report.put("sustainedServerCpuMsPer1000Deliveries",
                    best == null ? -1.0 : best.get("serverCpuMsPer1000Deliveries"));
            report.put("steps", steps);
            outcome.addTo(report);
        }
        return report;
    }

    /** One load level: every member types at the interval that offers {@code rate} deliveries/s, then measure. */
    private static Report step(Bench bench, Swarm swarm, int step, double rate, int deliveriesPerRound,
                               double warmup, double seconds) {
        // Offered deliveries/s = members typing * (1e6 / interval) * (members - 1).
        long intervalMicros = Math.max(1, (long) (deliveriesPerRound * 1e6 / rate));
        long errorsBefore = bench.tally().errorCount();
        swarm.stopTyping();
        bench.tally().begin("warmup" + step + "-" + System.nanoTime());
        swarm.startTyping(e -> true, intervalMicros);
        Swarm.sleep((long) (warmup * 1000));
        Window w = bench.measure("step" + step + "-" + System.nanoTime(), seconds);
        bench.tally().begin("settle" + step + "-" + System.nanoTime());
        Report r = new Report("step").put("step", step).put("offeredDeliveriesPerSec", rate)
                .put("intervalMs", intervalMicros / 1000.0);
        Bench.traffic(r, w);
        return r.put("errors", bench.tally().errorCount() - errorsBefore);
    }
}
