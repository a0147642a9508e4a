package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.ot.TextOperation;
import dev.livepad.testing.Seeds;
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
 * (lengths, no split surrogate pairs); and the browser's OT client (public/js/client.js) resends an
 * op word for word and ends where the server's transform of it ends. Seeded ({@link Seeds}):
 * -Dseed=N runs another seed for a failure.
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

    /**
     * Per case: the client sends its local op at rev 0, then other members' ops arrive and a local
     * edit is buffered; every resend meanwhile must be the first message exactly. Then either the
     * server acks the frozen message, or the client reissues the op (its id refused) and the server
     * acks the new message; either way the client's revision and texts must be the server's.
     */
    private static final String CLIENT_HARNESS = """
            const done = arguments[arguments.length - 1];
            const cases = JSON.parse(arguments[0]);
            Promise.all([import('/js/ot.js'), import('/js/client.js')]).then(([ot, cl]) => {
              const T = ot.TextOperation;
              done(JSON.stringify(cases.map((c) => {
                let n = 0;
                const client = new cl.OtClient(0, c.doc, () => `id-${n++}`);
                client.applyLocal(T.fromJSON(c.local));
                const first = JSON.stringify(client.takeSendable());
                const resends = [];
                const resend = () => { client.connectionLost(); resends.push(JSON.stringify(client.takeSendable())); };
                for (const s of c.server) {
                  client.applyServer(T.fromJSON(s));
                  resend();
                }
                client.applyLocal(T.fromJSON(c.buffered));
                resend();
                const transformed = client.outstanding.op.toJSON();
                let fresh = null;
                let freshResent = null;
                if (c.reissue) {
                  client.reissue();
                  fresh = JSON.stringify(client.takeSendable());
                  client.connectionLost();
                  freshResent = JSON.stringify(client.takeSendable());
                }
                const acked = client.ack(JSON.parse(fresh || first).id);
                return { first, resends, transformed, fresh, freshResent, acked, revision: client.revision,
                  serverText: client.serverText, text: client.text,
                  next: client.outstanding && client.outstanding.op.toJSON() };
              })));
            }).catch((e) => done('ERROR ' + e.stack));
            """;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void the_browser_ot_client_resends_verbatim_and_ends_at_the_servers_revision_and_text() throws Exception {
        Chromium.requireInstalled();
        long seed = Seeds.seed(1_311L);
        Random random = new Random(seed);
        List<Map<String, Object>> cases = new ArrayList<>();
        for (int i = 0; i < CASES / 4; i++) {
            cases.add(randomClientCase(random));
        }
        try (TestServer server = TestServer.start(); Browser page = Chromium.launch("ot-client", 800, 600)) {
            page.open(server.http("/"));
            page.driver().manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(30));
            Object result = page.driver().executeAsyncScript(CLIENT_HARNESS, JSON.writeValueAsString(cases));
            assertFalse(String.valueOf(result).startsWith("ERROR"), String.valueOf(result));
            JsonNode answers = JSON.readTree((String) result);
            for (int i = 0; i < cases.size(); i++) {
                try {
                    checkClient(cases.get(i), answers.get(i));
                } catch (Exception | AssertionError e) {
                    throw new AssertionError(
                            "client case " + i + " failed with seed " + seed + " (replay: "
                                    + Seeds.replay(OtModuleIT.class, seed) + "): " + cases.get(i) + " -> "
                                    + clip(answers.get(i).toString()),
                            e);
                }
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void the_browser_ot_module_matches_the_server_and_only_makes_ops_the_server_accepts() throws Exception {
        Chromium.requireInstalled();
        long seed = Seeds.seed(1_311L);
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
                    throw new AssertionError(
                            "case " + i + " failed with seed " + seed + " (replay: "
                                    + Seeds.replay(OtModuleIT.class, seed) + "): " + shown + " -> "
                                    + clip(answers.get(i).toString()),
                            e);
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

    /** What the server makes of the client's messages: its own transform, as Room applies an op. */
    private static void checkClient(Map<String, Object> c, JsonNode js) throws Exception {
        String doc = (String) c.get("doc");
        TextOperation local = op(c.get("local"));
        List<?> server = (List<?>) c.get("server");
        JsonNode first = JSON.readTree(js.get("first").asText());
        assertEquals(0, first.get("rev").asLong(), "first sent at the revision it was made at");
        assertEquals(local, op(first.get("op")), "first sent as made");
        for (JsonNode resend : js.get("resends")) {
            assertEquals(js.get("first").asText(), resend.asText(), "a resend is the first message exactly");
        }
        String serverDoc = doc;
        TextOperation moved = local; // the frozen op, moved past the others' ops as the server does
        for (Object s : server) {
            TextOperation other = op(s);
            serverDoc = other.apply(serverDoc);
            moved = TextOperation.transform(moved, other).aPrime();
        }
        assertEquals(moved, op(js.get("transformed")), "the client's copy of its op is the server's transform of it");
        TextOperation buffered = op(c.get("buffered"));
        String withBuffer = buffered.apply(moved.apply(serverDoc));
        assertTrue(js.get("acked").asBoolean(), "acknowledged");
        assertEquals(withBuffer, js.get("text").asText(), "the local text keeps every edit");
        if (js.get("fresh").isNull()) {
            assertEquals(server.size() + 1, js.get("revision").asLong(), "the ack's revision");
            assertEquals(moved.apply(serverDoc), js.get("serverText").asText(), "the server's text after the ack");
            assertEquals(buffered, op(js.get("next")), "the buffer is what is left to send");
        } else {
            assertEquals(
                    js.get("fresh").asText(), js.get("freshResent").asText(), "the new message, resent, is itself");
            JsonNode fresh = JSON.readTree(js.get("fresh").asText());
            assertFalse(fresh.get("id").asText().equals(first.get("id").asText()), "a fresh id");
            assertEquals(server.size(), fresh.get("rev").asLong(), "reissued at the current revision");
            TextOperation reissued = op(fresh.get("op"));
            assertEquals(serverDoc.length(), reissued.baseLength(), "valid at that revision");
            assertEquals(withBuffer, reissued.apply(serverDoc), "with the buffered edit composed in");
            assertEquals(server.size() + 1, js.get("revision").asLong(), "the ack's revision");
            assertEquals(withBuffer, js.get("serverText").asText(), "the server's text after the ack");
            assertTrue(js.get("next").isNull(), "nothing left to send");
        }
    }

    private static Map<String, Object> randomClientCase(Random random) throws Exception {
        String doc = text(random, 12);
        TextOperation local = randomOp(random, doc);
        String serverDoc = doc;
        TextOperation moved = local;
        List<Object> server = new ArrayList<>();
        for (int k = random.nextInt(5); k > 0; k--) {
            TextOperation other = randomOp(random, serverDoc);
            server.add(other.toComponents());
            serverDoc = other.apply(serverDoc);
            moved = TextOperation.transform(moved, other).aPrime();
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("doc", doc);
        c.put("local", local.toComponents());
        c.put("server", server);
        c.put("buffered", randomOp(random, moved.apply(serverDoc)).toComponents());
        c.put("reissue", random.nextBoolean());
        return c;
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
