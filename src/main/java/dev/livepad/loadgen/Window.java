package dev.livepad.loadgen;

/**
 * One measured interval: the ops sent in it (a {@link Phase}), its length, and the CPU the server and this
 * generator used meanwhile, with the server's peak RSS. {@code otherCpuSeconds} is what every other process on
 * the machine used: a run where it is high shared the cores and its latencies are suspect.
 */
record Window(Phase phase, double seconds, double serverCpuSeconds, double serverSystemCpuSeconds,
              double generatorCpuSeconds, double otherCpuSeconds, long peakRssKb) {

    /** Sends ops in a fresh phase {@code name} for {@code seconds} while watching the server. */
    static Window measure(Tally tally, ServerProbe server, String name, double seconds) {
        ServerProbe self = ServerProbe.self();
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
        double sys1 = server.systemCpuSeconds();
        double gen1 = self.cpuSeconds();
        double all1 = self.machineBusySeconds();
        long peak = server.stopSampling();
        double serverCpu = cpu0 < 0 ? -1 : cpu1 - cpu0;
        double other = all0 < 0 ? -1 : Math.max(0, (all1 - all0) - (gen1 - gen0) - Math.max(0, serverCpu));
        return new Window(phase, elapsed, serverCpu, cpu0 < 0 ? -1 : sys1 - sys0, gen1 - gen0, other, peak);
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
