package dev.livepad.testing;

/**
 * The seed of every randomized test (OT properties, convergence, fuzzing, crashes, cluster runs).
 * Each test draws from its own fixed seed, so a run is the same every time and CI cannot pass by
 * luck; {@code -Dseed=N} runs it from another seed, to explore or to replay. A failure names its
 * seed and the command that replays it.
 */
public final class Seeds {
    /** The one system property that overrides every test's seed. */
    public static final String PROPERTY = "seed";

    private Seeds() {
    }

    /** A randomized body that may throw anything. */
    public interface Body {
        void run() throws Throwable;
    }

    /** {@code -Dseed} if given, else the test's own {@code fixed} seed. */
    public static long seed(long fixed) {
        String given = System.getProperty(PROPERTY);
        return given == null || given.isBlank() ? fixed : Long.parseLong(given.trim());
    }

    /** The command that runs {@code test} alone from {@code seed}. */
    public static String replay(Class<?> test, long seed) {
        String name = test.getSimpleName();
        String select = name.endsWith("IT")
                ? "verify -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=" + name
                : "test -Dtest=" + name;
        return "mvn -q " + select + " -D" + PROPERTY + "=" + seed;
    }

    /** Runs {@code body}; a failure comes back as an AssertionError naming the seed and the replay command. */
    public static void replayable(Class<?> test, long seed, Body body) {
        try {
            body.run();
        } catch (Throwable e) {
            throw new AssertionError("failed with seed " + seed + "; replay: " + replay(test, seed), e);
        }
    }
}
