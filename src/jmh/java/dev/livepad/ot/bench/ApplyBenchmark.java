package dev.livepad.ot.bench;

import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.Rope;
import dev.livepad.ot.TextOperation;
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
 * What the server does to the text for every op: apply it (a full copy of the document, so linear in its size)
 * and, before that, parse it from its wire components. Run: {@code mvn -Pbench test-compile exec:exec@jmh}.
 * The {@code Rope} variants are what a room does since it keeps its text as a {@link Rope}: they
 * should barely grow with the document.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ApplyBenchmark {
    /**
     * Document length in UTF-16 units: a short note, a page (fanout's documents), a long chapter,
     * and MAX_DOC_CHARS's default.
     */
    @Param({"1000", "3000", "100000", "1000000"})
    public int docChars;

    private String doc;
    private Rope rope;
    private TextOperation keystroke;
    private TextOperation scattered;
    private List<Object> wireKeystroke;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        doc = "x".repeat(docChars);
        rope = Rope.of(doc);
        int at = random.nextInt(docChars + 1);
        keystroke = TextOperation.builder().retain(at).insert("k").retain(docChars - at).build();
        scattered = scattered(docChars, 100);
        wireKeystroke = keystroke.toComponents();
    }

    /** One typed character applied to the whole text: the server's cost per op. */
    @Benchmark
    public String applyKeystroke() throws InvalidOperationException {
        return keystroke.apply(doc);
    }

    /** An op with 100 replacements spread over the text (a paste or find-and-replace). */
    @Benchmark
    public String applyScattered() throws InvalidOperationException {
        return scattered.apply(doc);
    }

    /** {@link #applyKeystroke} on a rope: the room's cost per op. */
    @Benchmark
    public Rope applyKeystrokeRope() throws InvalidOperationException {
        return keystroke.apply(rope);
    }

    /** {@link #applyScattered} on a rope: 100 cuts, each copying one chunk. */
    @Benchmark
    public Rope applyScatteredRope() throws InvalidOperationException {
        return scattered.apply(rope);
    }

    /** A keystroke parsed and validated from its decoded wire components. */
    @Benchmark
    public TextOperation parseKeystroke() throws InvalidOperationException {
        return TextOperation.fromComponents(wireKeystroke);
    }

    static TextOperation scattered(int length, int edits) {
        TextOperation.Builder b = TextOperation.builder();
        int step = Math.max(2, length / edits);
        int pos = 0;
        while (pos + step <= length) {
            b.retain(step - 1).delete(1).insert("ab");
            pos += step;
        }
        return b.retain(length - pos).build();
    }
}
