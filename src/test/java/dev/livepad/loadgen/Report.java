package dev.livepad.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A scenario's results in a fixed order: printed once as aligned lines for people and once as a single JSON
 * line (always the last line of standard output) for scripts. Latencies are in milliseconds, memory in KB or MB
 * as the key says, and -1 means "not measured" (no {@code --pid}, or jcmd could not attach).
 */
final class Report {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> values = new LinkedHashMap<>();

    Report(String scenario) {
        values.put("scenario", scenario);
    }

    Report put(String key, Object value) {
        values.put(key, value instanceof Double d ? round(d) : value);
        return this;
    }

    Object get(String key) {
        return values.get(key);
    }

    /** {@code prefix}P50Ms, P99Ms, P999Ms and MaxMs from a histogram of microseconds. */
    Report latency(String prefix, Histogram micros) {
        put(prefix + "P50Ms", ms(micros.getValueAtPercentile(50)));
        put(prefix + "P99Ms", ms(micros.getValueAtPercentile(99)));
        put(prefix + "P999Ms", ms(micros.getValueAtPercentile(99.9)));
        put(prefix + "MaxMs", ms(micros.getMaxValue()));
        return this;
    }

    /** Server CPU seconds, CPU-ms per 1,000 deliveries and peak RSS for a measured window. */
    Report server(Window w) {
        put("serverCpuS", w.serverCpuSeconds());
        put("serverCpuMsPer1000Deliveries", w.serverCpuSeconds() < 0 || w.delivered() == 0 ? -1.0
                : w.serverCpuSeconds() * 1000 / (w.delivered() / 1000.0));
        put("serverCpuCores", w.serverCpuSeconds() < 0 ? -1.0 : w.serverCpuSeconds() / w.seconds());
        put("serverKernelCpuShare", w.serverCpuSeconds() <= 0 ? -1.0
                : w.serverSystemCpuSeconds() / w.serverCpuSeconds());
        put("serverPeakRssMb", w.peakRssKb() < 0 ? -1.0 : w.peakRssKb() / 1024.0);
        if (w.supportCpuSeconds() >= 0) { // PostgreSQL and Redis under a cluster
            put("supportCpuMsPer1000Deliveries", w.delivered() == 0 ? -1.0
                    : w.supportCpuSeconds() * 1000 / (w.delivered() / 1000.0));
            put("supportCpuCores", w.supportCpuSeconds() / w.seconds());
        }
        put("generatorCpuCores", w.generatorCpuSeconds() / w.seconds());
        put("otherCpuCores", w.otherCpuSeconds() < 0 ? -1.0 : w.otherCpuSeconds() / w.seconds());
        return this;
    }

    Map<String, Object> values() {
        return values;
    }

    String summary() {
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-32s %s%n", k, v)));
        return out.toString();
    }

    String jsonLine() {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static double ms(long micros) {
        return round(micros / 1000.0);
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
