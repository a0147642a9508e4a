package dev.livepad.loadgen;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** {@code --name value} command-line options, read with defaults; an option nobody asked for is an error. */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    Args(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected an --option, got '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                values.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(arg.substring(2), args[++i]);
            } else {
                values.put(arg.substring(2), "true");
            }
        }
    }

    String string(String name, String fallback) {
        used.add(name);
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        String v = string(name, null);
        return v == null ? fallback : Integer.parseInt(v.replace("_", ""));
    }

    /** A comma-separated list of process ids; none when absent or blank. */
    long[] pids(String name) {
        String v = string(name, null);
        if (v == null || v.isBlank()) {
            return new long[0];
        }
        return java.util.Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isBlank()).mapToLong(Long::parseLong)
                .toArray();
    }

    double decimal(String name, double fallback) {
        String v = string(name, null);
        return v == null ? fallback : Double.parseDouble(v);
    }

    boolean flag(String name, boolean fallback) {
        String v = string(name, null);
        return v == null ? fallback : Boolean.parseBoolean(v);
    }

    /** Fails on options that no scenario read, so a typo is not silently ignored. */
    void requireAllUsed() {
        Set<String> unknown = new HashSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
        }
    }
}
