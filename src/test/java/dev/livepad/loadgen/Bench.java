package dev.livepad.loadgen;

import java.time.Duration;

/**
 * What every scenario works with: the server's API, its processes, the processes it relies on ({@code support}:
 * PostgreSQL and Redis under a cluster; none otherwise), the shared sockets and the run's tally.
 */
record Bench(ServerApi api, ServerProbe server, ServerProbe support, WsLoops sockets, Tally tally) {

    /** Sends ops in a fresh phase {@code name} for {@code seconds} while watching the server and its support. */
    Window measure(String name, double seconds) {
        return Window.measure(tally, server, support, name, seconds);
    }

    Swarm swarm() {
        return new Swarm(api, sockets, tally, 2);
    }

    /** How a run ended: whether every op landed in time, what went wrong, and how many rooms converged. */
    record Outcome(boolean drained, long errors, java.util.Map<String, Long> errorKinds, int convergedRooms) {
        void addTo(Report report) {
            report.put("drained", drained).put("errors", errors).put("errorKinds", errorKinds)
                    .put("convergedRooms", convergedRooms);
        }
    }

    /** Stops typing, waits for every op to land, and checks every room against the server's text. */
    Outcome finish(Swarm swarm, Duration drainTimeout) {
        tally.begin("drain");
        swarm.stopTyping();
        boolean drained = swarm.drain(drainTimeout);
        int converged = swarm.convergedRooms();
        return new Outcome(drained, tally.errorCount(), tally.errorsByKind(), converged);
    }

    /** Expected versus received deliveries, rates and latencies for a measured window. */
    static void traffic(Report report, Window w) {
        Phase p = w.phase();
        report.put("opsPerSec", w.opsPerSecond());
        report.put("keystrokesPerSec", p.keystrokes.sum() / w.seconds());
        report.put("deliveriesPerSec", w.deliveriesPerSecond());
        report.put("deliveriesExpected", p.expected.sum());
        report.put("deliveriesReceived", p.delivered.sum());
        report.put("opsSent", p.sent.sum());
        report.put("opsAcked", p.acked.sum());
        report.latency("e2e", p.endToEnd);
        report.latency("ack", p.ack);
        report.server(w);
    }
}
