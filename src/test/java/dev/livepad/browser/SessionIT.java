package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The room session (public/js/session.js), run in Chromium with a fake connection, editor and view,
 * fed server messages by hand: what it sends and what it shows when the server refuses one of its
 * ops. No server is involved beyond serving the modules, so these hold against any server.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SessionIT {
    @RegisterExtension
    static final Site site = new Site();

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Defines `session()` (a joined RoomSession on "ab" at rev 0, with fakes that record what is
     * sent and shown; `session(record)` instead starts it from a local copy holding `record`, not
     * joined yet, and records what it keeps in `seen.kept`), `type(at, s)` (a local insert),
     * `server(m)` (a message from the server),
     * `ops()` (the op messages sent so far) and `until(cond)` (waits for the outbox's send timer);
     * then runs the scenario put in place of SCENARIO (the page's CSP forbids eval), and returns
     * its result as JSON.
     */
    private static final String HARNESS = """
            const done = arguments[arguments.length - 1];
            Promise.all([import('/js/session.js'), import('/js/ot.js')]).then(async ([sm, ot]) => {
              const T = ot.TextOperation;
              const until = async (cond) => {
                for (const end = Date.now() + 5000; !cond();) {
                  if (Date.now() > end) throw new Error('condition not met: ' + cond);
                  await new Promise((r) => setTimeout(r, 10));
                }
              };
              const session = (record) => {
                const seen = { sent: [], notices: [], recovered: [], restarts: 0, restored: [], kept: [] };
                let text = '';
                const editor = {
                  whenIdle: (fn) => fn(), replace: (t) => { text = t; },
                  applyRemote: (op) => { text = op.apply(text); },
                  applyOwn: () => {}, setReadOnly: () => {}, selection: () => [[0, 0]], get text() { return text; },
                };
                const view = {
                  status: () => {}, joined: () => {}, members: () => {}, peers: () => {}, sync: () => {},
                  fatal: () => {}, restored: (role) => seen.restored.push(role),
                  notice: (message, level) => seen.notices.push({ message, level }),
                  recovered: (count) => seen.recovered.push(count),
                };
                const s = new sm.RoomSession({
                  room: 'r', token: 't', name: 'n', editor, view, url: 'ws://127.0.0.1:9/ws',
                });
                const fake = { isOpen: true, healthy: () => {}, stop: () => {}, start: () => {},
                  send: (m) => { seen.sent.push(JSON.parse(JSON.stringify(m))); return true; },
                  restart: () => { seen.restarts += 1; } };
                s.connection = fake;
                s.outbox.connection = fake;
                if (record) {
                  s.start({ enabled: true, restored: record, forget: () => {}, sweep: () => {},
                    save: (kept) => { seen.kept.push(JSON.parse(JSON.stringify(kept))); return true; } });
                } else {
                  s.receive({
                    type: 'joined', room: 'r', clientId: 'me', role: 'editor', rev: 0, text: 'ab', members: [],
                  });
                }
                const type = (at, str) => {
                  const before = text;
                  const op = new T().retain(at).insert(str).retain(text.length - at);
                  text = op.apply(text);
                  s.localEdit(op, before, false);
                };
                const ops = () => seen.sent.filter((m) => m.type === 'op');
                return { s, seen, type, ops, server: (m) => s.receive({ room: 'r', ...m }), editorText: () => text };
              };
              done(JSON.stringify(await (async () => { /*SCENARIO*/ })()));
            }).catch((e) => done('ERROR ' + e.stack));
            """;

    private static Browser page;

    @BeforeAll
    static void open() {
        page = site.window("session", 800, 600);
        page.open(site.server().http("/"));
        page.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @Test
    void an_op_whose_id_is_refused_as_reused_is_sent_again_quietly_under_a_fresh_id_at_the_current_revision()
            throws Exception {
        JsonNode r = run("""
                const t = session();
                t.type(2, 'X');
                await until(() => t.ops().length === 1);
                t.server({ type: 'op', rev: 1, op: ['Z', 2], clientId: 'other', id: 'theirs' });
                t.server({ type: 'error', code: 'bad_request', ref: t.ops()[0].id, message: 'id already used' });
                await until(() => t.ops().length === 2);
                t.server({ type: 'ack', id: t.ops()[1].id, rev: 2 });
                return { ops: t.ops(), notices: t.seen.notices, recovered: t.seen.recovered,
                  state: t.s.client.state, revision: t.s.client.revision, text: t.editorText() };
                """);
        JsonNode first = r.get("ops").get(0);
        JsonNode second = r.get("ops").get(1);
        assertEquals(0, first.get("rev").asInt());
        assertEquals("[2,\"X\"]", first.get("op").toString());
        assertNotEquals(first.get("id"), second.get("id"), "a fresh id");
        assertTrue(second.get("id").asText().length() >= 16, "a random id: " + second.get("id"));
        assertEquals(1, second.get("rev").asInt(), "at the current revision");
        assertEquals("[3,\"X\"]", second.get("op").toString(), "with the op moved past the other member's");
        assertEquals(0, r.get("notices").size(), "nothing shown: " + r.get("notices"));
        assertEquals(0, r.get("recovered").size(), "no 'your version was kept' banner");
        assertEquals("synchronized", r.get("state").asText());
        assertEquals(2, r.get("revision").asInt());
        assertEquals("ZabX", r.get("text").asText());
    }

    @Test
    void after_a_few_refusals_in_a_row_the_edit_is_given_up_with_a_clear_message_and_kept_to_download()
            throws Exception {
        JsonNode r = run("""
                const t = session();
                t.type(2, 'X');
                for (let i = 1; i <= 6; i++) {
                  await until(() => t.ops().length === i || t.seen.recovered.length > 0);
                  if (t.seen.recovered.length > 0) break;
                  t.server({ type: 'error', code: 'bad_request', ref: t.ops()[i - 1].id, message: 'id already used' });
                }
                const late = t.ops()[0].id;
                t.server({ type: 'error', code: 'bad_request', ref: late, message: 'a late copy' });
                return { ops: t.ops(), notices: t.seen.notices, recovered: t.seen.recovered,
                  state: t.s.client.state, text: t.editorText(), kept: t.s.recovered && t.s.recovered.text };
                """);
        assertEquals(4, r.get("ops").size(), "the first message and three fresh ones: " + r.get("ops"));
        Set<String> ids = new HashSet<>();
        r.get("ops").forEach(m -> ids.add(m.get("id").asText()));
        assertEquals(4, ids.size(), "every one under its own id");
        assertEquals(List.of(0), JSON.convertValue(r.get("recovered"), List.class), "the refused-change banner");
        assertEquals(1, r.get("notices").size(), "one message, for giving up only: " + r.get("notices"));
        assertEquals("error", r.get("notices").get(0).get("level").asText());
        assertTrue(r.get("notices").get(0).get("message").asText().contains("kept refusing your last change"),
                r.get("notices").get(0).toString());
        assertEquals("synchronized", r.get("state").asText());
        assertEquals("ab", r.get("text").asText(), "the editor shows the server's text");
        assertEquals("abX", r.get("kept").asText(), "the refused version is kept to download");
    }

    @Test
    void an_error_about_an_op_already_acknowledged_is_ignored() throws Exception {
        JsonNode r = run("""
                const t = session();
                t.type(2, 'X');
                await until(() => t.ops().length === 1);
                t.server({ type: 'ack', id: t.ops()[0].id, rev: 1 });
                t.server({ type: 'error', code: 'bad_request', ref: t.ops()[0].id, message: 'id already used' });
                t.server({ type: 'error', code: 'bad_op', ref: t.ops()[0].id, message: 'a late copy' });
                return { ops: t.ops(), notices: t.seen.notices, recovered: t.seen.recovered, restarts: t.seen.restarts,
                  state: t.s.client.state, revision: t.s.client.revision, text: t.editorText() };
                """);
        assertEquals(1, r.get("ops").size(), "nothing sent again");
        assertEquals(0, r.get("notices").size(), "nothing shown: " + r.get("notices"));
        assertEquals(0, r.get("recovered").size());
        assertEquals(0, r.get("restarts").asInt());
        assertEquals("synchronized", r.get("state").asText());
        assertEquals(1, r.get("revision").asInt());
        assertEquals("abX", r.get("text").asText());
    }

    @Test
    void an_op_refused_for_a_revision_the_server_let_go_is_sent_again_from_the_current_one() throws Exception {
        JsonNode r = run("""
                const t = session();
                t.type(2, 'X');
                await until(() => t.ops().length === 1);
                t.server({ type: 'op', rev: 1, op: ['Z', 2], clientId: 'other', id: 'theirs' });
                t.server({
                  type: 'error', code: 'bad_rev', ref: t.ops()[0].id, message: 'older than the kept history',
                });
                await until(() => t.ops().length === 2);
                const behind = { ops: t.ops(), notices: [...t.seen.notices], restarts: t.seen.restarts };
                // Refused again though it was made at our revision: not a matter of being behind.
                t.server({ type: 'error', code: 'bad_rev', ref: t.ops()[1].id, message: 'in the future' });
                return { behind, notices: t.seen.notices, restarts: t.seen.restarts };
                """);
        JsonNode behind = r.get("behind");
        assertNotEquals(behind.get("ops").get(0).get("id"), behind.get("ops").get(1).get("id"), "a fresh id");
        assertEquals(1, behind.get("ops").get(1).get("rev").asInt(), "at the current revision");
        assertEquals("[3,\"X\"]", behind.get("ops").get(1).get("op").toString());
        assertEquals(0, behind.get("notices").size(), "nothing shown: " + behind.get("notices"));
        assertEquals(0, behind.get("restarts").asInt(), "no reconnect");
        assertEquals(1, r.get("restarts").asInt(), "not behind: rejoin to resume or reset, as before");
        assertEquals("warning", r.get("notices").get(0).get("level").asText());
    }

    @Test
    void an_op_the_server_cannot_take_now_is_kept_and_resent_as_the_same_message_after_a_pause() throws Exception {
        JsonNode r = run("""
                const t = session();
                t.type(2, 'X');
                await until(() => t.ops().length === 1);
                const refusedAt = Date.now();
                t.server({ type: 'error', code: 'unavailable', ref: t.ops()[0].id, message: 'memory budget spent' });
                t.server({ type: 'op', rev: 1, op: ['Z', 2], clientId: 'other', id: 'theirs' });
                t.type(4, 'Y'); // typing goes on meanwhile
                await until(() => t.ops().length === 2);
                const pause = Date.now() - refusedAt;
                t.server({ type: 'ack', id: t.ops()[1].id, rev: 2 });
                await until(() => t.ops().length === 3);
                t.server({ type: 'ack', id: t.ops()[2].id, rev: 3 });
                return { ops: t.ops(), pause, notices: t.seen.notices, recovered: t.seen.recovered,
                  state: t.s.client.state, revision: t.s.client.revision, text: t.editorText() };
                """);
        JsonNode ops = r.get("ops");
        assertEquals(ops.get(0), ops.get(1), "resent as the very message first sent: " + ops);
        assertTrue(r.get("pause").asLong() >= 600, "after a pause of about a second: " + r.get("pause"));
        assertEquals(2, ops.get(2).get("rev").asInt(), "then the edit typed meanwhile");
        assertEquals("[4,\"Y\"]", ops.get(2).get("op").toString());
        assertEquals(1, r.get("notices").size(), "one notice: " + r.get("notices"));
        assertEquals("warning", r.get("notices").get(0).get("level").asText());
        assertEquals(0, r.get("recovered").size(), "nothing given up");
        assertEquals("synchronized", r.get("state").asText());
        assertEquals(3, r.get("revision").asInt());
        assertEquals("ZabXY", r.get("text").asText());
    }

    @Test
    void a_join_refused_for_a_token_replaced_while_it_was_on_its_way_is_sent_again_with_the_new_one()
            throws Exception {
        JsonNode r = run("""
                const t = session();
                t.s.joined = false;
                t.s.sendJoin();
                t.s.token = 'after-revocation';
                t.server({ type: 'error', code: 'invalid_token', ref: 'join', message: 'revoked' });
                const raced = { restarts: t.seen.restarts, stopped: t.s.stopped };
                t.s.sendJoin();
                t.server({ type: 'error', code: 'invalid_token', ref: 'join', message: 'revoked' });
                const joins = t.seen.sent.filter((m) => m.type === 'join').map((m) => m.token);
                return { raced, joins, restarts: t.seen.restarts, stopped: t.s.stopped };
                """);
        assertEquals(1, r.get("raced").get("restarts").asInt(), "joins again");
        assertFalse(r.get("raced").get("stopped").asBoolean(), "does not give up");
        assertEquals("[\"t\",\"after-revocation\"]", r.get("joins").toString());
        assertTrue(r.get("stopped").asBoolean(), "the current token refused: the link is dead");
    }

    @Test
    void edits_kept_by_a_closed_tab_are_shown_and_resent_as_the_very_message_first_sent_when_the_room_resumes()
            throws Exception {
        JsonNode r = run("""
                const t = session({ v: 1, room: 'r', rid: null, role: 'editor', rev: 0, revId: 'made-0', text: 'ab',
                  outstanding: { id: 'kept-id', op: [2, 'X'], sent: { rev: 0, id: 'kept-id', op: [2, 'X'] } },
                  buffer: [3, 'Y'], recovered: null, savedAt: 1 });
                const shown = t.editorText();
                t.s.sendJoin();
                const join = t.seen.sent.find((m) => m.type === 'join');
                t.server({ type: 'joined', clientId: 'me', role: 'editor', rev: 1, revId: 'theirs', members: [],
                  ops: [{ rev: 1, op: ['Z', 2], clientId: 'other', id: 'theirs' }] });
                await until(() => t.ops().length === 1);
                t.server({ type: 'ack', id: 'kept-id', rev: 2 });
                await until(() => t.ops().length === 2);
                t.server({ type: 'ack', id: t.ops()[1].id, rev: 3 });
                t.s.keep();
                return { shown, join, ops: t.ops(), restored: t.seen.restored, text: t.editorText(),
                  kept: t.seen.kept[t.seen.kept.length - 1], notices: t.seen.notices };
                """);
        assertEquals("abXY", r.get("shown").asText(), "the kept edits are shown before any join");
        assertEquals("[\"editor\"]", r.get("restored").toString());
        assertEquals(0, r.get("join").get("rev").asInt(), "resumes from the kept revision");
        assertEquals("made-0", r.get("join").get("revId").asText());
        assertEquals("{\"type\":\"op\",\"room\":\"r\",\"rev\":0,\"id\":\"kept-id\",\"op\":[2,\"X\"]}",
                r.get("ops").get(0).toString(), "the very message the closed tab had sent");
        assertEquals("[4,\"Y\"]", r.get("ops").get(1).get("op").toString(), "then what it had not sent yet");
        assertEquals("ZabXY", r.get("text").asText());
        JsonNode kept = r.get("kept");
        assertEquals(3, kept.get("rev").asInt());
        assertEquals("ZabXY", kept.get("text").asText(), "the copy holds the confirmed text");
        assertTrue(kept.get("outstanding").isNull(), "and nothing left to send: " + kept);
        assertEquals(0, r.get("notices").size(), r.get("notices").toString());
    }

    @Test
    void edits_kept_by_a_closed_tab_that_the_server_cannot_resume_are_offered_back_not_dropped() throws Exception {
        JsonNode r = run("""
                const t = session({ v: 1, room: 'r', rid: null, role: 'editor', rev: 0, revId: null, text: 'ab',
                  outstanding: { id: 'kept-id', op: [2, 'X'], sent: null }, buffer: null, recovered: null,
                  savedAt: 1 });
                t.s.sendJoin();
                t.server({ type: 'joined', clientId: 'me', role: 'editor', rev: 9, text: 'ab!', reset: true,
                  members: [] });
                await new Promise((res) => setTimeout(res, 200));
                t.s.keep();
                return { ops: t.ops(), recovered: t.seen.recovered, text: t.editorText(),
                  kept: t.seen.kept[t.seen.kept.length - 1] };
                """);
        assertEquals(0, r.get("ops").size(), "nothing sent behind the user's back: " + r.get("ops"));
        assertEquals("[1]", r.get("recovered").toString(), "the 'your version was kept' banner, 1 character");
        assertEquals("ab!", r.get("text").asText(), "the editor shows the server's text");
        assertEquals("abX", r.get("kept").get("recovered").get("text").asText(), "kept, also in the copy");
        assertEquals(9, r.get("kept").get("rev").asInt());
    }

    @Test
    void a_local_copy_that_cannot_be_written_warns_once_and_editing_goes_on() throws Exception {
        JsonNode r = run("""
                const { LocalCopy } = await import('/js/localcopy.js');
                const full = { length: 0, key: () => null, getItem: () => null, removeItem: () => {},
                  setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } };
                const copy = await LocalCopy.claim('r', null, { storage: full, locks: navigator.locks });
                const t = session();
                t.s.copy = copy;
                t.type(2, 'X');
                await until(() => t.ops().length === 1);
                t.type(3, 'Y');
                t.s.keep();
                t.server({ type: 'ack', id: t.ops()[0].id, rev: 1 });
                await until(() => t.ops().length === 2);
                return { enabled: copy.enabled, ops: t.ops().length, notices: t.seen.notices, text: t.editorText() };
                """);
        assertTrue(r.get("enabled").asBoolean(), "a slot was claimed; only writing fails");
        assertEquals(2, r.get("ops").asInt(), "both edits sent");
        assertEquals(1, r.get("notices").size(), "one warning: " + r.get("notices"));
        assertEquals("warning", r.get("notices").get(0).get("level").asText());
        assertEquals("abXY", r.get("text").asText());
    }

    private static JsonNode run(String scenario) throws Exception {
        Object result = page.driver().executeAsyncScript(HARNESS.replace("/*SCENARIO*/", scenario));
        assertFalse(String.valueOf(result).startsWith("ERROR"), String.valueOf(result));
        return JSON.readTree((String) result);
    }
}
