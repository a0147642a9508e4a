package dev.livepad.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a process's CPU time and memory from {@code /proc} (Linux): {@code stat} utime+stime in clock ticks,
 * {@code status} VmRSS and VmHWM. With no pid every reading is -1, so a run against a remote or unknown server
 * still reports latency. The live heap comes from {@code jcmd PID GC.heap_info} after {@code GC.run}, where the
 * JDK's jcmd can attach (same user, same machine).
 */
final class ServerProbe {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final long[] pids;
    private final long pid;
    private final long ticksPerSecond;
    private final AtomicLong peakRssKb = new AtomicLong(-1);
    private Thread sampler;

    /** Several processes (the instances of a cluster) are read as one: their CPU and memory summed. */
    ServerProbe(long... pids) {
        this.pids = java.util.Arrays.stream(pids).filter(p -> p > 0).toArray();
        this.pid = this.pids.length == 0 ? -1 : this.pids[0];
        this.ticksPerSecond = clockTicks();
    }

    static ServerProbe self() {
        return new ServerProbe(ProcessHandle.current().pid());
    }

    boolean enabled() {
        return pid > 0;
    }

    long pid() {
        return pid;
    }

    /** User plus system CPU seconds the process has used since it started. */
    double cpuSeconds() {
        long[] t = cpuTicks();
        return t == null ? -1 : (t[0] + t[1]) / (double) ticksPerSecond;
    }

    /** The part of {@link #cpuSeconds()} spent in the kernel (system calls: socket writes, futex wake-ups). */
    double systemCpuSeconds() {
        long[] t = cpuTicks();
        return t == null ? -1 : t[1] / (double) ticksPerSecond;
    }

    private long[] cpuTicks() {
        long[] sum = null;
        for (long p : pids) {
            String stat = read(p, "stat");
            if (stat == null) {
                continue; // gone: it used nothing more
            }
            // Fields after "(comm) " start at field 3 (state); utime and stime are fields 14 and 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            sum = sum == null ? new long[2] : sum;
            sum[0] += Long.parseLong(f[11]);
            sum[1] += Long.parseLong(f[12]);
        }
        return sum;
    }

    /** Busy CPU seconds of the whole machine (all cores, from /proc/stat) since boot; -1 off Linux. */
    double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                busy += i == 4 || i == 5 ? 0 : Long.parseLong(f[i]); // skip idle and iowait
            }
            return busy / (double) ticksPerSecond;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    long rssKb() {
        return statusField("VmRSS:");
    }

    /** The process's peak RSS since it started (the kernel's high-water mark). */
    long hwmKb() {
        return statusField("VmHWM:");
    }

    /** Samples RSS every 100 ms until {@link #stopSampling()}, which returns the highest seen. */
    void startSampling() {
        peakRssKb.set(rssKb());
        if (!enabled()) {
            return;
        }
        sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakRssKb.accumulateAndGet(rssKb(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "loadgen-rss");
        sampler.setDaemon(true);
        sampler.start();
    }

    long stopSampling() {
        if (sampler != null) {
            sampler.interrupt();
        }
        return peakRssKb.accumulateAndGet(rssKb(), Math::max);
    }

    /** The live Java heap after a full GC, in KB, via jcmd; -1 if jcmd cannot attach. */
    long liveHeapKb() {
        if (!enabled() || jcmd("GC.run") == null) {
            return -1;
        }
        String info = jcmd("GC.heap_info");
        Matcher m = info == null ? null : HEAP_USED.matcher(info);
        return m != null && m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private String jcmd(String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private long statusField(String name) {
        long sum = -1;
        for (long p : pids) {
            String status = read(p, "status");
            if (status == null) {
                continue;
            }
            for (String line : status.split("\n")) {
                if (line.startsWith(name)) {
                    sum = Math.max(sum, 0) + Long.parseLong(line.substring(name.length()).replace("kB", "").trim());
                }
            }
        }
        return sum;
    }

    private static String read(long pid, String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            return null;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
