// The client half of OT, as ot.js's client.js: at most one operation is in flight, later local
// edits are composed into a buffer until the server acknowledges it.
//
//   synchronized         nothing outstanding
//   awaiting-confirm     `outstanding` sent (or about to be), no buffer
//   awaiting-with-buffer `outstanding` in flight and `buffer` holding the edits made since
//
// Each outstanding op carries an id. Once the op has been sent, its message (`rev`, `id`, `op`)
// is frozen and every resend (after a reconnect, after `rate_limited`) is that same message: the
// server takes a message for a retry, acknowledged without applying it twice, only when id, rev
// and op are all those of the first one, and refuses an id reused with anything else. Our local
// copy of the op still moves past every server op that arrives meanwhile, because the editor and
// `pending()` need it on the latest text; the server moves the frozen message past those same ops
// (it transforms from the message's rev), so the op it applies is our local copy and its ack's
// rev is our revision plus one.

import { TextOperation, splitLargeInsert } from './ot.js';
import { randomId } from './ids.js';

const MAX_INSERT_PER_OP = 16384; // keeps every op frame far below the server's message limit

export class OtClient {
  /** A synchronized client at server revision `revision` whose document is `text`; `newId` makes op ids. */
  constructor(revision, text, newId = randomId) {
    this.revision = revision;
    this.text = text;          // the local document, with every pending edit applied
    this.serverText = text;    // the document at `revision`, as the server has it
    this.newId = newId;
    this.outstanding = null;   // { op, id, sent, inFlight }; `sent` is the message as first sent, or null
    this.buffer = null;
  }

  get state() {
    if (!this.outstanding) return 'synchronized';
    return this.buffer ? 'awaiting-with-buffer' : 'awaiting-confirm';
  }

  /** The local edits the server has not confirmed yet, as one op on `serverText`, or null. */
  pending() {
    if (!this.outstanding) return null;
    return this.buffer ? this.outstanding.op.compose(this.buffer) : this.outstanding.op;
  }

  /** A local edit, already visible in the editor. */
  applyLocal(op) {
    this.text = op.apply(this.text);
    if (!this.outstanding) {
      this.outstanding = unsent(op, this.newId());
    } else if (!this.outstanding.sent) {
      // Never left the browser: it can still grow, and keeps one id.
      this.outstanding.op = this.outstanding.op.compose(op);
    } else {
      this.buffer = this.buffer ? this.buffer.compose(op) : op;
    }
  }

  /**
   * The op message to send now, or null when nothing is waiting or an op is already in flight
   * on this connection. The first send freezes the message; a resend returns it unchanged, even
   * though our revision and our copy of the op have moved on since.
   */
  takeSendable() {
    const out = this.outstanding;
    if (!out || out.inFlight) return null;
    if (!out.sent) {
      this.splitIfLarge();
      out.sent = Object.freeze({ rev: this.revision, id: out.id, op: Object.freeze(out.op.toJSON()) });
    }
    out.inFlight = true;
    return out.sent;
  }

  /**
   * The server refused the outstanding op's message and applied nothing of it, and resending it
   * word for word cannot help (its id is taken in the room by a different op, or its revision has
   * left the server's history). Makes the op a new message: a fresh id, sent at our current
   * revision with the op as transformed since, any buffered edits composed in. Returns the id
   * given up, or null if nothing was outstanding.
   */
  reissue() {
    const out = this.outstanding;
    if (!out) return null;
    this.outstanding = unsent(this.pending(), this.newId());
    this.buffer = null;
    return out.id;
  }

  /** The connection is gone: whatever was in flight must be sent again on the next one. */
  connectionLost() {
    if (this.outstanding) this.outstanding.inFlight = false;
  }

  /** The server applied our outstanding op; the buffer (if any) becomes the next one to send. */
  ack(id) {
    if (!this.outstanding || this.outstanding.id !== id) return false;
    this.serverText = this.outstanding.op.apply(this.serverText);
    this.revision++;
    this.outstanding = this.buffer ? unsent(this.buffer, this.newId()) : null;
    this.buffer = null;
    return true;
  }

  /**
   * Another client's op, in the server's order. Returns the op to apply to the editor: the
   * server op moved past our unconfirmed edits, which are moved past it in turn.
   */
  applyServer(op) {
    this.serverText = op.apply(this.serverText);
    this.revision++;
    let incoming = op;
    if (this.outstanding) {
      const [outstanding, past] = TextOperation.transform(this.outstanding.op, incoming);
      this.outstanding.op = outstanding;
      incoming = past;
    }
    if (this.buffer) {
      const [buffer, past] = TextOperation.transform(this.buffer, incoming);
      this.buffer = buffer;
      incoming = past;
    }
    this.text = incoming.apply(this.text);
    return incoming;
  }

  /**
   * The whole state as plain JSON, for the page's local copy (localcopy.js): the server's text at
   * our revision, and the unconfirmed edits with their ids and, once sent, their frozen messages.
   */
  save() {
    const out = this.outstanding;
    return {
      rev: this.revision,
      text: this.serverText,
      outstanding: out ? { id: out.id, op: out.op.toJSON(), sent: out.sent } : null,
      buffer: this.buffer ? this.buffer.toJSON() : null,
    };
  }

  /**
   * A client in the state save() returned, nothing in flight: the next connection resumes from
   * `rev` and sends the outstanding op as the very message first sent, as after any reconnect.
   * Throws if the state does not hold together.
   */
  static restore(saved, newId = randomId) {
    const client = new OtClient(saved.rev, saved.text, newId);
    const out = saved.outstanding;
    if (out) {
      if (typeof out.id !== 'string' || !out.id) throw new Error('a kept op without an id');
      const sent = out.sent
        ? Object.freeze({ rev: out.sent.rev, id: out.sent.id, op: Object.freeze(out.sent.op) })
        : null;
      if (sent && (sent.id !== out.id || !Number.isInteger(sent.rev) || sent.rev > saved.rev)) {
        throw new Error('a kept op message that does not match its op');
      }
      if (sent) TextOperation.fromJSON(sent.op);
      client.outstanding = { op: TextOperation.fromJSON(out.op), id: out.id, sent, inFlight: false };
      client.text = client.outstanding.op.apply(client.text);
      if (saved.buffer) {
        client.buffer = TextOperation.fromJSON(saved.buffer);
        client.text = client.buffer.apply(client.text);
      }
    }
    return client;
  }

  /** Ranges on the server's latest document, moved into the local document. */
  transformRanges(ranges) {
    const pending = this.pending();
    return pending ? ranges.map(([a, h]) => [pending.transformIndex(a), pending.transformIndex(h)]) : ranges;
  }

  splitIfLarge() {
    const parts = splitLargeInsert(this.outstanding.op, MAX_INSERT_PER_OP);
    if (!parts) return;
    const [first, rest] = parts;
    this.outstanding.op = first;
    this.buffer = this.buffer ? rest.compose(this.buffer) : rest;
  }
}

/** An outstanding op not sent yet: it may still grow, and its message is not fixed. */
function unsent(op, id) {
  return { op, id, sent: null, inFlight: false };
}
