package dev.livepad.ot;

import java.util.Random;

/** Runs randomized property checks from one seed and names that seed in any failure, so a run can be replayed. */
public final class Seeded {
    /** Cases per property; override with -Dot.cases=N. */
    public static final int CASES = Integer.getInteger("ot.cases", 5000);

    private Seeded() {
    }

    /** One randomized case; it draws everything it needs from {@code random}. */
    public interface Case {
        void run(Random random) throws Exception;
    }

    /** Runs {@code cases} cases from the seed in -Dot.seed, or a fresh random seed. */
    public static void check(int cases, Case body) {
        String fixed = System.getProperty("ot.seed");
        long seed = fixed != null ? Long.parseLong(fixed.trim()) : new Random().nextLong();
        Random random = new Random(seed);
        for (int i = 0; i < cases; i++) {
            try {
                body.run(random);
            } catch (Exception | AssertionError e) {
                throw new AssertionError("case " + i + " failed with seed=" + seed
                        + " (replay with -Dot.seed=" + seed + "): " + e, e);
            }
        }
    }
}
