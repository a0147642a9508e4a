package dev.livepad.ot.bench;

import dev.livepad.ot.Attribution;
import dev.livepad.ot.InvalidOperationException;
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
 * What {@code GET /api/rooms/R/authors} costs besides reading the log: replaying {@code ops} keystrokes
 * through {@link Attribution} from the empty text. Four authors take turns; each turn types
 * {@code run} characters one op at a time at one random place (a run of 1 scatters authors
 * through the text: the worst case for the span count; 20 is closer to people typing words).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AttributionBenchmark {
    @Param({"10000"})
    public int ops;

    @Param({"1", "20"})
    public int run;

    private final List<TextOperation> log = new ArrayList<>();
    private final List<Integer> authors = new ArrayList<>();

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        int length = 0;
        int at = 0;
        int author = 0;
        for (int i = 0; i < ops; i++) {
            if (i % run == 0) {
                at = random.nextInt(length + 1);
                author = random.nextInt(4);
            }
            log.add(TextOperation.builder().retain(at).insert("x").retain(length - at).build());
            authors.add(author);
            at++;
            length++;
        }
    }

    @Benchmark
    public Attribution replay() throws InvalidOperationException {
        Attribution text = Attribution.empty();
        for (int i = 0; i < log.size(); i++) {
            text = text.apply(log.get(i), authors.get(i));
        }
        return text;
    }
}
