// One room over one Connection: join and resume, the OT client, presence and cursors, and what
// to do about each error. It knows nothing about the DOM; `editor` is a TextareaBinding and
// `view` receives everything the page shows.

import { Connection, backoffDelay } from './connection.js';
import { OtClient } from './client.js';
import { TextOperation, diff } from './ot.js';
import { UndoManager } from './undo.js';
import { Peers } from './peers.js';
import { describeClose, describeError, isFatalOnJoin } from './errors.js';
import { Outbox } from './outbox.js';
import { LocalCopy } from './localcopy.js';

const RATE_LIMITED_RETRY_MS = 1000;
const HELD_RETRY = { first: 1000, max: 30000 }; // resending an op the server could not take now
const MAX_REISSUES = 3;        // refusals of a fresh id in a row before we stop trying, see reissue()
const RETIRED_IDS_KEPT = 256;  // ids of ops acknowledged or given up, whose late errors mean nothing now
const KEEP_DELAY_MS = 300;     // the local copy follows typing this late; a first send writes it at once

export class RoomSession {
  constructor({ room, token, name, editor, view, url, rid = null }) {
    this.room = room;
    this.rid = rid;           // the room's incarnation as the token names it, kept with the local copy
    this.token = token;
    this.name = name;
    this.editor = editor;
    this.view = view;
    this.client = null;
    this.self = null;
    this.others = new Peers((membership) => {
      if (membership) view.members(this.self, this.others.byId);
      view.peers(this.others.byId);
    });
    this.joined = false;
    this.stopped = false;
    this.retired = new Set(); // oldest first, at most RETIRED_IDS_KEPT
    this.reissues = 0;        // the outstanding op's messages refused since the last ack
    this.revId = null;        // the id of the op that made our revision, sent on resume (after a restore, numbers repeat)
    this.holds = 0;           // `unavailable` replies to the outstanding op since the last ack
    this.undo = new UndoManager();
    this.recovered = null;    // { text, op }: local edits the server could not merge after a gap
    this.wantFullText = false; // the next join asks for the whole text instead of resuming
    this.joinToken = null;     // the token the last join carried (the owner's may be replaced meanwhile)
    this.copy = LocalCopy.none(); // this browser's copy of the room, see start() and keep()
    this.keptRole = null;      // the role the local copy was made with, until a join says
    this.keepTimer = 0;
    this.unkeptShown = false;  // said once that unsaved edits cannot be kept in this browser
    this.kept = false;         // the local copy's last write succeeded
    this.swept = false;
    // Everything the socket reports is handled strictly in order, and not during IME composition.
    const inOrder = (fn) => (arg) => this.editor.whenIdle(() => fn(arg));
    this.connection = new Connection(url, {
      open: inOrder(() => this.sendJoin()),
      message: inOrder((m) => this.receive(m)),
      close: inOrder((c) => this.connectionClosed(c)),
      waiting: ({ until }) => this.view.status(navigator.onLine ? 'reconnecting' : 'offline', until),
    });
    this.outbox = new Outbox({
      room,
      connection: this.connection,
      editor,
      ready: () => this.joined,
      client: () => this.client,
      sent: () => this.changed(),
      keep: () => this.keep(),
    });
  }

  /**
   * Connects; with `copy` (a LocalCopy claimed for this room), first shows what a closed tab left
   * there and resumes from it, so that its unsaved edits are sent once, under their own ids.
   */
  start(copy = LocalCopy.none()) {
    this.copy = copy;
    this.view.status('connecting');
    if (copy.restored) this.restore(copy.restored);
    this.connection.start();
  }

  /**
   * Takes up where a closed tab (or this one, before a reload) left off: its revision, text and
   * unconfirmed edits become ours, as if our connection had just dropped, and the next join resumes
   * (or resets, which keeps the edits to re-apply, see resync()).
   */
  restore(record) {
    let client;
    let recovered = null;
    try {
      client = OtClient.restore(record);
      if (record.recovered) {
        const op = record.recovered.op ? TextOperation.fromJSON(record.recovered.op) : null;
        if (op && op.baseLength !== client.text.length) throw new Error('kept changes that do not fit the text');
        recovered = { text: String(record.recovered.text), op };
      }
    } catch (e) {
      console.warn('livepad: the copy this browser kept of the room cannot be read; ignoring it', e);
      return;
    }
    this.client = client;
    this.revId = typeof record.revId === 'string' ? record.revId : null;
    this.keptRole = record.role || null;
    this.recovered = recovered;
    this.editor.replace(client.text);
    this.editor.setReadOnly(this.keptRole === 'viewer');
    this.view.restored(this.keptRole);
    if (recovered) this.view.recovered(recovered.op ? countChanged(recovered.op) : 0);
    this.changed();
  }

  get role() {
    return this.self ? this.self.role : null;
  }

  /**
   * Writes the local copy now: before an op's message first leaves (so that a tab closed or
   * crashed afterwards resends that very message), when the page is hidden or closed, and shortly
   * after any other change. Storage that cannot take it never stops editing; if unsaved edits are
   * at stake the page says once that they live only in this tab.
   */
  keep() {
    clearTimeout(this.keepTimer);
    this.keepTimer = 0;
    if (!this.copy.enabled || !this.client || this.stopped) return;
    this.kept = this.copy.save(this.snapshot());
    if (this.kept || this.unkeptShown || !this.client.outstanding) return;
    this.unkeptShown = true;
    this.view.notice('This browser cannot store your unsaved changes right now (its storage is full or '
      + 'disabled). They are sent as soon as the connection allows; keep this tab open until then.', 'warning');
  }

  /** What the local copy holds: see LocalCopy and OtClient.save(). */
  snapshot() {
    const recovered = this.recovered
      ? { text: this.recovered.text, op: this.recovered.op ? this.recovered.op.toJSON() : null }
      : null;
    return {
      room: this.room, rid: this.rid, role: this.role || this.keptRole, revId: this.revId,
      ...this.client.save(), recovered,
    };
  }

  /**
   * True while some typed text has not been confirmed by the server and this browser does not keep
   * it either (see keep()): only then does leaving the page lose anything.
   */
  hasUnsaved() {
    return !!(this.client && this.client.outstanding) && !this.kept;
  }

  sendJoin() {
    const join = { type: 'join', room: this.room, token: this.token };
    this.joinToken = this.token;
    if (this.name) join.name = this.name.slice(0, 64);
    if (this.client && !this.wantFullText) {
      join.rev = this.client.revision;
      if (this.revId) join.revId = this.revId;
    }
    this.connection.send(join);
  }

  /** Rejoins under a new display name (a quick reconnect that resumes where it was). */
  rename(name) {
    this.name = name;
    if (this.connection.isOpen) this.connection.restart();
  }

  receive(m) {
    if (m.room !== undefined && m.room !== this.room) return;
    switch (m.type) {
      case 'joined': return this.onJoined(m);
      case 'op': return this.joined && this.onRemoteOp(m);
      case 'ack': return this.joined && this.onAck(m);
      case 'cursor': return this.joined && this.onCursor(m);
      case 'presence': return this.joined && this.presence(m);
      case 'error': return this.onError(m);
      case 'closed': return this.fail(describeError('closed'), 'closed');
      default: return undefined; // pong, left
    }
  }

  presence(m) {
    this.others.presence(m.event, m.member);
    this.view.presence(m.event, m.member);
  }

  onJoined(m) {
    this.self = { clientId: m.clientId, name: this.name, role: m.role };
    this.others.reset(m.members);
    if (!this.client) {
      this.client = new OtClient(m.rev, m.text);
      this.editor.replace(m.text);
    } else if (m.ops) {
      this.catchUp(m.ops);
    } else {
      this.resync(m.text, m.rev);
    }
    this.wantFullText = false;
    if (this.client.revision !== m.rev) {
      this.reload(); // never expected: our history disagrees with the server's
      return;
    }
    this.revId = m.revId ?? null;
    this.joined = true;
    this.connection.healthy();
    this.editor.setReadOnly(m.role === 'viewer');
    this.view.joined(this.self);
    this.view.status('connected', undefined, this.connection.onFallback);
    this.changed();
    if (!this.swept) {
      this.swept = true;
      this.copy.sweep(this.room, this.rid); // copies of an earlier room of this name are dead now
    }
    this.outbox.pump();
    this.outbox.cursor(true);
  }

  /** Applies the ops missed while away; our own op among them is the ack we never received. */
  catchUp(ops) {
    for (const h of ops) {
      if (h.rev <= this.client.revision) continue; // already applied
      const out = this.client.outstanding;
      if (out && out.sent && h.id === out.id) this.confirmed(h.id);
      else this.applyServerOp(TextOperation.fromJSON(h.op));
    }
  }

  /**
   * The server sent the whole text instead of the missed ops (they fell out of its history).
   * Unconfirmed local edits cannot be transformed without that history: the page shows the
   * server's text and keeps the local version, which the user can re-apply or download.
   */
  resync(text, rev) {
    const old = this.client;
    const pending = old.pending();
    const op = diff(old.text, text);
    if (pending) {
      const [mine] = TextOperation.transform(pending, diff(old.serverText, text));
      this.recovered = { text: old.text, op: mine };
      this.view.recovered(countChanged(pending));
    } else if (this.recovered && this.recovered.op) {
      this.recovered.op = TextOperation.transform(this.recovered.op, op)[0];
    }
    this.client = new OtClient(rev, text);
    this.holds = 0;
    this.undo = new UndoManager();
    this.editor.applyRemote(op);
    this.others.transform(op);
  }

  /** Rejoins asking for the whole text; resync() then keeps any unconfirmed local edits. */
  reload() {
    this.wantFullText = true;
    this.connection.restart();
  }

  onRemoteOp(m) {
    const out = this.client.outstanding;
    if (out && out.sent && m.id === out.id) {
      // Our own op, as an event stream (the HTTP fallback) carries it back: that is its ack.
      this.onAck({ id: m.id, rev: m.rev });
      return;
    }
    if (m.rev !== this.client.revision + 1) {
      this.reload();
      return;
    }
    this.applyServerOp(TextOperation.fromJSON(m.op));
    this.revId = m.id;
    this.changed();
  }

  applyServerOp(op) {
    const local = this.client.applyServer(op);
    this.editor.applyRemote(local);
    this.undo.transform(local);
    this.others.transform(local);
    if (this.recovered) this.recovered.op = TextOperation.transform(this.recovered.op, local)[0];
  }

  onAck(m) {
    if (!this.confirmed(m.id)) return;
    if (this.client.revision !== m.rev) {
      this.reload();
      return;
    }
    this.revId = m.id;
    this.changed();
    this.outbox.pump();
    this.outbox.cursor(true);
  }

  /** Our outstanding op `id` was applied: the OT client moves on, and the id is done with. */
  confirmed(id) {
    if (!this.client.ack(id)) return false;
    this.retire(id);
    this.reissues = 0;
    this.holds = 0;
    return true;
  }

  /** Remembers an id we will never send again, so that a late error about it is not news. */
  retire(id) {
    this.retired.add(id);
    if (this.retired.size > RETIRED_IDS_KEPT) this.retired.delete(this.retired.values().next().value);
  }

  onCursor(m) {
    if (m.rev === this.client.revision) this.others.setRanges(m.clientId, this.client.transformRanges(m.ranges));
  }

  onError(m) {
    const out = this.client && this.client.outstanding;
    if (m.ref && this.retired.has(m.ref)) {
      // About an op already acknowledged or given up (a copy resent after rate_limited, say):
      // whatever it says, that edit is settled, and the user has nothing to do about it.
      console.info(`livepad: ignoring ${m.code} about op ${m.ref}, which is already settled`);
    } else if (!this.joined) {
      this.joinFailed(m);
    } else if (m.code === 'rate_limited' && (!m.ref || (out && m.ref === out.id))) {
      this.rateLimited();
    } else if (out && m.ref === out.id) {
      this.opFailed(m);
    } else if (m.code === 'not_joined') {
      this.connection.restart();
    } else if (m.ref !== 'cursor' && m.ref !== 'ping') {
      this.view.notice(describeError(m.code, m.message), 'error');
    }
  }

  joinFailed(m) {
    if (m.code === 'invalid_token' && this.joinToken !== this.token) {
      // The owner revoked every link while this join was on its way: it carried the old token,
      // and the new one is already here. Join again with it.
      this.connection.restart();
      return;
    }
    if (isFatalOnJoin(m.code)) {
      this.fail(describeError(m.code, m.message), m.code);
      return;
    }
    this.view.notice(describeError(m.code, m.message, 'join'), 'warning');
    this.connection.restart(true); // rate limited, full, or a server hiccup: back off and try again
  }

  /**
   * The server dropped one of our messages, without saying which (it does not read a frame it
   * drops). If an op is in flight it may be the one: send it again after a pause, with the same
   * id, so the server acknowledges it instead of applying it twice if it did arrive.
   */
  rateLimited() {
    this.view.notice(describeError('rate_limited'), 'warning');
    const out = this.client.outstanding;
    if (out) out.inFlight = false;
    this.outbox.pause(RATE_LIMITED_RETRY_MS);
    this.outbox.pump();
  }

  opFailed(m) {
    const out = this.client.outstanding;
    switch (m.code) {
      case 'bad_request':
        // The usual reason: our id is taken in the room by a different op (another page drew the
        // same id, or a member claimed it on purpose), and the server applied nothing of ours.
        this.reissue(m, 'its id is already used in the room by a different op');
        break;
      case 'bad_rev':
        if (out.sent && out.sent.rev < this.client.revision) {
          // The message carries the revision it was first made at, and the server has since let
          // that revision go. Nothing of ours was applied: not this message (an error changes
          // nothing), nor an earlier copy (the server would have known its id, which it keeps as
          // long as the op, and acknowledged it; and we have every op up to our revision). So
          // send the op as a new message from where we are now. Resuming would not help: the
          // server resumes us from our own revision, and the same message would come back.
          this.reissue(m, `revision ${out.sent.rev} is no longer in the server's history`);
          break;
        }
      // falls through: we were not behind, so something is off; resume, or reset if need be
      case 'not_joined':
        this.view.notice(describeError(m.code), 'warning');
        this.connection.restart(); // resume; a reset keeps the local version, see resync()
        break;
      case 'unavailable':
        this.holdBack();
        break;
      default: // forbidden, bad_op, doc_too_large: this op will never be accepted
        this.discardPending(describeError(m.code, m.message));
    }
  }

  /**
   * The server could not take the op now (its store did not answer, or its rooms hold as much text
   * as its memory allows) and applied nothing of it; the protocol says to send it again later with
   * the same id. So the edit stays, later typing buffers behind it as usual, and the very message
   * first sent goes out again after a pause that doubles from 1 s to 30 s: a full server frees
   * memory only as rooms are emptied or leave it, which may take a while, and the jitter keeps the
   * pages waiting on it from all coming back at once. The notice is calm, and shown once a wait.
   */
  holdBack() {
    if (this.holds === 0) this.view.notice(describeError('unavailable', null, 'held'), 'warning');
    const delay = backoffDelay(this.holds, Math.random, HELD_RETRY);
    this.holds += 1;
    this.client.outstanding.inFlight = false;
    this.outbox.pause(delay);
    this.outbox.pump();
    this.changed();
  }

  /**
   * The server refused the outstanding op's message and applied nothing of it. The edit is kept
   * and sent again as a new message (a fresh id, our current revision and op), quietly: nothing
   * was lost and the user has nothing to do. If the new messages are refused too, a few times in
   * a row, something else is wrong (the message itself, say), and we give up as for any op the
   * server will not take.
   */
  reissue(m, why) {
    if (this.reissues >= MAX_REISSUES) {
      this.discardPending(describeError(m.code, m.message, 'op'));
      return;
    }
    this.reissues += 1;
    const refused = this.client.reissue();
    this.retire(refused);
    console.info(`livepad: the server refused op ${refused} (${m.code}: ${why}); `
      + `sending the edit again as op ${this.client.outstanding.id}`);
    this.outbox.pump();
  }

  /** Returns the editor to the server's text and keeps the refused local version to download. */
  discardPending(message) {
    const old = this.client;
    if (old.outstanding) this.retire(old.outstanding.id);
    this.reissues = 0;
    this.holds = 0;
    this.recovered = { text: old.text, op: null };
    const op = diff(old.text, old.serverText);
    this.client = new OtClient(old.revision, old.serverText);
    this.undo = new UndoManager();
    this.editor.applyRemote(op);
    this.others.transform(op);
    this.view.notice(message, 'error');
    this.view.recovered(0);
    this.changed();
  }

  /** Re-applies the local edits kept by resync() on top of the current text, as a new edit. */
  reapplyRecovered() {
    if (!this.recovered || !this.recovered.op || this.role === 'viewer') return;
    const op = this.recovered.op;
    this.recovered = null;
    if (!op.isNoop()) this.editor.applyOwn(op);
  }

  dismissRecovered() {
    this.recovered = null;
    this.changed();
  }

  connectionClosed({ code }) {
    const wasJoined = this.joined;
    this.joined = false;
    if (this.client) this.client.connectionLost();
    this.others.clear();
    if (this.stopped) return;
    const message = describeClose(code);
    if (message) this.view.notice(message, 'warning');
    if (wasJoined) this.view.status('reconnecting');
    this.changed();
  }

  /** Stops for good: the room is gone or the link is refused. */
  fail(message, code) {
    if (code === 'no_such_room' || code === 'closed') this.copy.forget(); // nothing left to send them to
    else this.keep(); // another link to the room may still take the edits
    this.stopped = true;
    this.joined = false;
    this.connection.stop();
    this.editor.setReadOnly(true);
    this.view.status('offline');
    this.view.fatal(message, code, this.client ? this.client.text : null);
  }

  /** A local edit from the textarea (or an undo step). */
  localEdit(op, before, fromUndo) {
    if (!this.client) return;
    if (!fromUndo) this.undo.recordLocal(op, before);
    this.client.applyLocal(op);
    this.others.transform(op);
    if (this.recovered && this.recovered.op) {
      this.recovered.op = TextOperation.transform(this.recovered.op, op)[0];
    }
    this.changed();
    this.outbox.pump();
  }

  /** The selection may have moved: tell the others. */
  selectionMoved() {
    this.outbox.cursor(false);
  }

  undoStep(redo) {
    if (!this.client || this.role === 'viewer') return null;
    const text = this.editor.text;
    return redo ? this.undo.redo(text) : this.undo.undo(text);
  }

  changed() {
    if (!this.keepTimer && this.copy.enabled) this.keepTimer = setTimeout(() => this.keep(), KEEP_DELAY_MS);
    const client = this.client;
    this.view.sync(client ? client.state : 'synchronized', this.joined, this.holds > 0);
  }

  /** Test hooks, see docs/client.md. */
  debug() {
    return {
      dropConnection: (holdMs = 0) => this.connection.drop(holdMs),
      dropAfterNextSend: (holdMs = 0) => { this.outbox.afterNextSend = () => this.connection.drop(holdMs); },
      restoreConnection: () => this.connection.undrop(),
      tryWebSocketNow: () => this.connection.probeLater(0), // on the fallback: the minutely WebSocket try, now
      state: () => ({
        state: this.client ? this.client.state : 'none',
        revision: this.client ? this.client.revision : -1,
        joined: this.joined,
        text: this.client ? this.client.text : null,
        outstandingId: this.client && this.client.outstanding ? this.client.outstanding.id : null,
      }),
    };
  }
}

/** How many units an op inserts or deletes, to tell the user how much is at stake. */
function countChanged(op) {
  return op.ops.reduce((n, c) => n + (typeof c === 'string' ? c.length : c < 0 ? -c : 0), 0);
}
