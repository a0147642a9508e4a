package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.ot.Attribution;
import dev.livepad.ot.TextOperation;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The browser's author spans (public/js/authorship.js), run in Chromium, follow random ops by
 * random authors exactly as the server's {@link Attribution} does: the same spans, with the same
 * lengths and authors, after every op, from a text whose author is unknown. That is what lets the
 * Authors toggle ask the server once and follow the ops from there. Seeded ({@link Seeds}):
 * -Dseed=N runs another seed for a failure.
 */
class AuthorshipModuleIT {
    private static final int STEPS = 400;
    private static final int AUTHORS = 4;
    private static final String START = "hello";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Applies each [op, author] in turn; answers the spans after each as [[length, author], ...]. */
    private static final String HARNESS = """
            const done = arguments[arguments.length - 1];
            const [start, steps] = JSON.parse(arguments[0]);
            Promise.all([import('/js/ot.js'), import('/js/authorship.js')]).then(([ot, authorship]) => {
              let spans = authorship.normalize([
                { length: 0, clientId: 'c0', name: 'n0' },
                { length: start, clientId: null, name: null },
              ]);
              const number = (s) => [s.length, s.clientId === null ? -1 : Number(s.clientId.slice(1))];
              done(JSON.stringify(steps.map(([op, author]) => {
                spans = authorship.applyOp(spans, ot.TextOperation.fromJSON(op), { clientId: `c${author}`,
                  name: `n${author}` });
                return spans.map(number);
              })));
            }).catch((e) => done('ERROR ' + e.stack));
            """;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void the_browser_follows_ops_to_the_same_authors_as_the_server() throws Exception {
        Chromium.requireInstalled();
        long seed = Seeds.seed(1_515L);
        Random random = new Random(seed);
        String doc = START;
        Attribution attribution = Attribution.of(START.length(), Attribution.UNKNOWN);
        List<Object> steps = new ArrayList<>();
        List<List<List<Integer>>> expected = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            TextOperation op = randomOp(random, doc);
            int author = random.nextInt(AUTHORS);
            doc = op.apply(doc);
            attribution = attribution.apply(op, author);
            steps.add(List.of(op.toComponents(), author));
            List<List<Integer>> spans = new ArrayList<>();
            for (int s = 0; s < attribution.spanCount(); s++) {
                spans.add(List.of(attribution.spanLength(s), attribution.spanAuthor(s)));
            }
            expected.add(spans);
        }
        try (TestServer server = TestServer.start(); Browser page = Chromium.launch("authorship", 800, 600)) {
            page.open(server.http("/"));
            page.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            Object result = page.driver().executeAsyncScript(HARNESS,
                    JSON.writeValueAsString(List.of(START.length(), steps)));
            assertFalse(String.valueOf(result).startsWith("ERROR"), String.valueOf(result));
            JsonNode answers = JSON.readTree((String) result);
            Seeds.replayable(AuthorshipModuleIT.class, seed, () -> {
                for (int i = 0; i < STEPS; i++) {
                    assertEquals(JSON.valueToTree(expected.get(i)), answers.get(i),
                            "the spans after op " + i + ", " + steps.get(i));
                }
            });
        }
    }

    /** A random edit of {@code doc}: a few retains, deletes and inserts over the whole text. */
    private static TextOperation randomOp(Random random, String doc) {
        TextOperation.Builder op = TextOperation.builder();
        int pos = 0;
        while (pos < doc.length()) {
            int end = Math.min(doc.length(), pos + 1 + random.nextInt(6));
            switch (random.nextInt(5)) {
                case 0 -> op.insert("xyz".substring(random.nextInt(3))).retain(end - pos);
                case 1 -> op.delete(end - pos);
                default -> op.retain(end - pos);
            }
            pos = end;
        }
        if (random.nextInt(3) > 0) {
            op.insert("ab".substring(random.nextInt(2)));
        }
        return op.build();
    }
}
