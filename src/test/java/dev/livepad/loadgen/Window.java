package dev.livepad.loadgen;

/**
 * One measured interval: the ops sent in it (a {@link Phase}), its length, and the CPU the server and this
 * generator used meanwhile, with the server's peak RSS. {@code otherCpuSeconds} is what every other process on
 * the machine used: a run where it is high shared the cores and its latencies are suspect.
 */
record Window(Phase phase, double seconds, double serverCpuSeconds, double serverSystemCpuSeconds,
              double supportCpuSeconds, double generatorCpuSeconds, double otherCpuSeconds, long peakRssKb) {

    /** Sends ops in a fresh phase {@code name} for {@code seconds} while watching the server. */
    static Window measure(Tally tally, ServerProbe server, ServerProbe support, String name, double seconds) {
        ServerProbe self = ServerProbe.self();
        double support0 = support.cpuSeconds();
        double cpu0 = server.cpuSeconds();
        double sys0 = server.systemCpuSeconds();
        double gen0 = self.cpuSeconds();
        double all0 = self.machineBusySeconds();
        server.startSampling();
        long start = System.nanoTime();
        Phase phase = tally.begin(name);
        Swarm.sleep((long) (seconds * 1000));
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu1 = server.cpuSeconds();
        double support1 = support.cpuSeconds();
        double sys1 = server.systemCpuSeconds();
        double gen1 = self.cpuSeconds();
        double all1 = self.machineBusySeconds();
        long peak = server.stopSampling();
        double serverCpu = cpu0 < 0 ? -1 : cpu1 - cpu0;
        double supportCpu = support0 < 0 ? -1 : support1 - support0;
        double other = all0 < 0 ? -1 : Math.max(0, (all1 - all0) - (gen1 - gen0) - Math.max(0, serverCpu)
                - Math.max(0, supportCpu));
        return new Window(phase, elapsed, serverCpu, cpu0 < 0 ? -1 : sys1 - sys0, supportCpu, gen1 - gen0, other,
                peak);
    }

    long delivered() {
        return phase.delivered.sum();
    }

    double deliveriesPerSecond() {
        return delivered() / seconds;
    }

    double opsPerSecond() {
        return phase.sent.sum() / seconds;
    }
}
