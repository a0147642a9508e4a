package dev.livepad.ot.bench;

import dev.livepad.ot.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Long histories: a late op transformed past every op applied since its revision (the server's work for a client
 * {@code history} ops behind, up to HISTORY_OPS = 1,000), and a run of keystrokes composed into one op (a client's
 * buffer while it waits for an ack). Ops are one-character inserts at random places, the common case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HistoryBenchmark {
    @Param({"1000", "1000000"})
    public int docChars;

    @Param({"1", "100", "1000"})
    public int history;

    private TextOperation late;
    private List<TextOperation> applied;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        late = insertAt(random.nextInt(docChars + 1), docChars);
        applied = new ArrayList<>(history);
        for (int i = 0; i < history; i++) {
            applied.add(insertAt(random.nextInt(docChars + i + 1), docChars + i)); // each starts where the last ended
        }
    }

    /** One op made {@code history} revisions ago, transformed past every op applied since. */
    @Benchmark
    public TextOperation transformPastHistory() {
        TextOperation op = late;
        for (TextOperation other : applied) {
            op = TextOperation.transform(op, other).aPrime();
        }
        return op;
    }

    /** {@code history} consecutive keystrokes composed into one op, one at a time as a client buffers them. */
    @Benchmark
    public TextOperation composeKeystrokes() {
        TextOperation composed = applied.get(0);
        for (int i = 1; i < applied.size(); i++) {
            composed = composed.compose(applied.get(i));
        }
        return composed;
    }

    private static TextOperation insertAt(int at, int length) {
        return TextOperation.builder().retain(at).insert("k").retain(length - at).build();
    }
}
