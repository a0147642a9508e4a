package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.ot.TextOperation;
import dev.livepad.testing.TestServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The browser's OT module (public/js/ot.js), run in Chromium, agrees with the server's
 * TextOperation on random operations, and every op its diff produces passes the server's checks
 * (lengths, no split surrogate pairs). Seeded: -Dot.seed=N replays a failure.
 */
class OtModuleIT {
    private static final String[] ATOMS = {"a", "b", " ", "\n", "é", "中", "\uD83D\uDE00", "\uD834\uDD1E"};
    private static final int CASES = 400;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String HARNESS = """
            const done = arguments[arguments.length - 1];
            const cases = JSON.parse(arguments[0]);
            import('/js/ot.js').then((ot) => {
              const T = ot.TextOperation;
              done(JSON.stringify(cases.map((c) => {
                const a = T.fromJSON(c.a), b = T.fromJSON(c.b), next = T.fromJSON(c.next);
                const [aPrime, bPrime] = T.transform(a, b);
                const split = ot.splitLargeInsert(T.fromJSON(c.big), 16384);
                return {
                  applied: a.apply(c.doc),
                  aPrime: aPrime.toJSON(), bPrime: bPrime.toJSON(),
                  composed: a.compose(next).toJSON(),
                  inverse: a.invert(c.doc).toJSON(),
                  index: a.transformIndex(c.index),
                  diff: ot.diff(c.doc, c.after, c.caret).toJSON(),
                  split: split && split.map((p) => p.toJSON()),
                };
              })));
            }).catch((e) => done('ERROR ' + e.stack));
            """;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void the_browser_ot_module_matches_the_server_and_only_makes_ops_the_server_accepts() throws Exception {
        Chromium.requireInstalled();
        long seed = Long.getLong("ot.seed", new Random().nextLong());
        Random random = new Random(seed);
        List<Map<String, Object>> cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            cases.add(randomCase(random));
        }
        try (TestServer server = TestServer.start(); Browser page = Chromium.launch("ot", 800, 600)) {
            page.open(server.http("/"));
            page.driver().manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(30));
            Object result = page.driver().executeAsyncScript(HARNESS, JSON.writeValueAsString(cases));
            assertFalse(String.valueOf(result).startsWith("ERROR"), String.valueOf(result));
            JsonNode answers = JSON.readTree((String) result);
            for (int i = 0; i < CASES; i++) {
                try {
                    check(cases.get(i), answers.get(i));
                } catch (Exception | AssertionError e) {
                    Map<String, Object> shown = new LinkedHashMap<>(cases.get(i));
                    shown.keySet().removeAll(List.of("big", "bigDoc"));
                    throw new AssertionError("case " + i + " failed, replay with -Dot.seed=" + seed + ": "
                            + shown + " -> " + clip(answers.get(i).toString()), e);
                }
            }
        }
    }

    private static void check(Map<String, Object> c, JsonNode js) throws Exception {
        String doc = (String) c.get("doc");
        TextOperation a = op(c.get("a"));
        TextOperation b = op(c.get("b"));
        TextOperation.Transformed t = TextOperation.transform(a, b);
        assertEquals(a.apply(doc), js.get("applied").asText());
        assertEquals(t.aPrime(), op(js.get("aPrime")), "transform a'");
        assertEquals(t.bPrime(), op(js.get("bPrime")), "transform b'");
        assertEquals(a.compose(op(c.get("next"))), op(js.get("composed")), "compose");
        assertEquals(doc, op(js.get("inverse")).apply(a.apply(doc)), "invert");
        assertEquals(a.transformIndex((Integer) c.get("index")), js.get("index").asInt(), "transformIndex");
        TextOperation diff = op(js.get("diff")); // the server's own parser: rejects lone surrogates
        assertEquals(c.get("after"), diff.apply(doc), "diff"); // and apply() rejects split pairs
        TextOperation big = op(c.get("big"));
        if (big.targetLength() - big.baseLength() <= 16384) {
            assertTrue(js.get("split").isNull(), "an op small enough is not split");
            return;
        }
        TextOperation first = op(js.get("split").get(0));
        TextOperation rest = op(js.get("split").get(1));
        String bigDoc = (String) c.get("bigDoc");
        assertTrue(first.targetLength() - first.baseLength() <= 16384, "the first part is small enough");
        assertEquals(big.apply(bigDoc), rest.apply(first.apply(bigDoc)), "split");
    }

    private static String clip(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
    }

    private static TextOperation op(Object json) throws Exception {
        List<?> components = json instanceof JsonNode node ? JSON.convertValue(node, List.class) : (List<?>) json;
        return TextOperation.fromComponents(components);
    }

    private static Map<String, Object> randomCase(Random random) throws Exception {
        String doc = text(random, 12);
        TextOperation a = randomOp(random, doc);
        String after = a.apply(doc);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("doc", doc);
        c.put("a", a.toComponents());
        c.put("b", randomOp(random, doc).toComponents());
        c.put("next", randomOp(random, after).toComponents());
        c.put("index", random.nextInt(doc.length() + 1));
        c.put("after", after);
        c.put("caret", codePointBoundary(random, after));
        String bigDoc = text(random, 4);
        String big = "x".repeat(16380 + random.nextInt(8)) + text(random, 20);
        c.put("bigDoc", bigDoc);
        c.put("big", TextOperation.builder().retain(bigDoc.length()).insert(big).build().toComponents());
        return c;
    }

    private static String text(Random random, int maxAtoms) {
        StringBuilder out = new StringBuilder();
        int n = random.nextInt(maxAtoms + 1);
        for (int i = 0; i < n; i++) {
            out.append(ATOMS[random.nextInt(ATOMS.length)]);
        }
        return out.toString();
    }

    /** A random op on {@code doc} that cuts only between code points. */
    private static TextOperation randomOp(Random random, String doc) {
        TextOperation.Builder op = TextOperation.builder();
        int pos = 0;
        while (pos < doc.length()) {
            int end = pos;
            for (int k = 1 + random.nextInt(3); k > 0 && end < doc.length(); k--) {
                end += Character.charCount(doc.codePointAt(end));
            }
            switch (random.nextInt(4)) {
                case 0 -> op.insert(text(random, 3)).retain(end - pos);
                case 1 -> op.delete(end - pos);
                default -> op.retain(end - pos);
            }
            pos = end;
        }
        if (random.nextBoolean()) {
            op.insert(text(random, 3));
        }
        return op.build();
    }

    private static int codePointBoundary(Random random, String s) {
        int target = random.nextInt(s.length() + 1);
        return target < s.length() && Character.isLowSurrogate(s.charAt(target)) ? target - 1 : target;
    }
}
