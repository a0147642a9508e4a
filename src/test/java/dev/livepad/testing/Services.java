package dev.livepad.testing;

/** Whether a missing browser, service or tool fails a test (CI) rather than skipping it (a laptop). */
public final class Services {
    private Services() {
    }

    /** True under LIVEPAD_REQUIRE_SERVICES=true (set by .ci/run) or -Dlivepad.requireServices=true. */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("LIVEPAD_REQUIRE_SERVICES"))
                || Boolean.getBoolean("livepad.requireServices");
    }
}
