package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP fallback's link (public/js/httplink.js) in Chromium against the real server: a `join`
 * that resumes sends the revision's op id along with `Last-Event-ID`, so the server answers with
 * ops only when that revision is the op the page saw (after a restore from a backup, revision
 * numbers are reused by other ops).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpLinkIT {
    @RegisterExtension
    static final Site site = new Site();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Opens an HttpLink, sends JOIN (a JSON string) and returns the first message it delivers. */
    private static final String JOIN_THROUGH_LINK = """
            const done = arguments[arguments.length - 1];
            const join = arguments[0];
            import('/js/httplink.js').then(({ HttpLink }) => {
              const link = new HttpLink(location.origin);
              link.onmessage = (event) => { link.close(); done(event.data); };
              link.onopen = () => link.send(join);
            }).catch((e) => done('ERROR ' + e.stack));
            """;

    private static Browser page;

    @BeforeAll
    static void open() {
        page = site.window("httplink", 800, 600);
        page.open(site.server().http("/"));
        page.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @Test
    void a_resume_gets_ops_only_for_the_op_the_page_saw_at_its_revision() throws Exception {
        String owner = site.server().createRoom("linked");
        String seen = "seen op \u00e9+1"; // sent in a URL: a space, a plus and a non-ASCII letter
        assertEquals(200, site.server().post("/api/rooms/linked/ops",
                "{\"rev\":0,\"id\":\"" + seen + "\",\"op\":[\"one\"]}", owner).status());
        assertEquals(200, site.server().post("/api/rooms/linked/append", "{\"text\":\" two\"}", owner).status());

        JsonNode resumed = join(owner, seen);
        assertEquals("joined", resumed.path("type").asText(), resumed::toString);
        assertFalse(resumed.has("text"), "ops, not the text: " + resumed);
        assertEquals(1, resumed.path("ops").size(), resumed::toString);
        assertEquals(2, resumed.path("ops").path(0).path("rev").asLong());

        JsonNode strayed = join(owner, "an op this server never had at 1");
        assertTrue(strayed.path("reset").asBoolean(), strayed::toString);
        assertEquals("one two", strayed.path("text").asText());
        assertFalse(strayed.has("ops"), strayed::toString);
    }

    private static JsonNode join(String token, String revId) throws Exception {
        String join = JSON.createObjectNode().put("type", "join").put("room", "linked").put("token", token)
                .put("rev", 1).put("revId", revId).toString();
        Object result = page.driver().executeAsyncScript(JOIN_THROUGH_LINK, join);
        assertFalse(String.valueOf(result).startsWith("ERROR"), String.valueOf(result));
        return JSON.readTree((String) result);
    }
}
