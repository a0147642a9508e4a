package dev.livepad.ot;

import dev.livepad.testing.Seeds;
import java.util.Random;

/**
 * Runs randomized property checks from one seed ({@link Seeds}: fixed, or {@code -Dseed=N}) and
 * names that seed and the replay command in any failure.
 */
public final class Seeded {
    /** Cases per property; override with -Dot.cases=N. */
    public static final int CASES = Integer.getInteger("ot.cases", 5000);

    private Seeded() {
    }

    /** One randomized case; it draws everything it needs from {@code random}. */
    public interface Case {
        void run(Random random) throws Exception;
    }

    /** The seed every property starts from unless {@code -Dseed} says otherwise. */
    static final long SEED = 0x5eed_07L;

    /** Runs {@code cases} cases from one seed; the calling test class is named in the replay command. */
    public static void check(int cases, Case body) {
        Class<?> test = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        long seed = Seeds.seed(SEED);
        Random random = new Random(seed);
        for (int i = 0; i < cases; i++) {
            try {
                body.run(random);
            } catch (Exception | AssertionError e) {
                throw new AssertionError("case " + i + " failed with seed " + seed + " (replay: "
                        + Seeds.replay(test, seed) + "): " + e, e);
            }
        }
    }
}
