// Who wrote which part of the text. The server answers it for any revision (GET /authors) as
// spans: the text cut into consecutive runs, each with the clientId and name of the member whose
// op inserted it. This module keeps such a list in step with the ops applied to a text, draws it
// (in the editor, as a layer of tinted backgrounds over the textarea placed like the caret
// overlay; in the history view, as tinted runs of text), and gives each author a colour: the
// member's presence colour, derived from the clientId, so that it is the same in the member list,
// on carets, and for members who have left. A reconnect gets a new clientId and so a new colour:
// ids colour, names label.

import { revisionAuthors } from './api.js';
import { placeLayer } from './overlay.js';
import { colorFor } from './presence.js';

const UNKNOWN_COLOR = { strong: '#5d6677', soft: 'hsl(220 10% 50% / 0.2)', tint: 'transparent' };
const LARGE_TEXT = 50000;     // units above which the editor's layer is redrawn at most every LARGE_DELAY_MS
const LARGE_DELAY_MS = 150;
const REFETCH_DELAY_MS = 300; // lets a burst of ops of unknown origin (a catch-up) settle first
const MAX_MISMATCHES = 3;     // refetches in a row that do not fit the text before the layer gives up

/** The colour of an author; text whose author is no longer known gets none. */
export function authorColor(clientId) {
  return clientId ? colorFor(clientId) : UNKNOWN_COLOR;
}

/** How an author is called: by name, as in the member list. */
export function authorLabel(author) {
  if (author.name && author.name.trim()) return author.name.trim();
  return author.clientId ? 'Anonymous' : 'Unknown author';
}

/** A span list as the server sends it: checked, empty runs dropped, neighbours by one author merged. */
export function normalize(spans) {
  if (!Array.isArray(spans)) throw new Error('spans must be an array');
  const out = [];
  for (const s of spans) {
    if (!s || !Number.isInteger(s.length) || s.length < 0) throw new Error('a span needs a length');
    push(out, s.length, s.clientId ?? null, s.name ?? null);
  }
  return out;
}

export function totalLength(spans) {
  return spans.reduce((n, s) => n + s.length, 0);
}

/**
 * The spans of the text after `op`, given those of the text before it: retained text keeps its
 * author, deleted text is gone, inserted text is `author`'s ({ clientId, name }). Throws if the op
 * does not fit the spans' length.
 */
export function applyOp(spans, op, author) {
  if (op.baseLength !== totalLength(spans)) {
    throw new Error(`op expects length ${op.baseLength}, the spans cover ${totalLength(spans)}`);
  }
  const out = [];
  let i = 0;      // the span being walked
  let offset = 0; // units of spans[i] already walked
  const walk = (n, keep) => {
    while (n > 0) {
      const s = spans[i];
      const k = Math.min(n, s.length - offset);
      if (keep) push(out, k, s.clientId, s.name);
      n -= k;
      offset += k;
      if (offset === s.length) {
        i++;
        offset = 0;
      }
    }
  };
  for (const c of op.ops) {
    if (typeof c === 'string') push(out, c.length, author.clientId ?? null, author.name ?? null);
    else if (c > 0) walk(c, true);
    else walk(-c, false);
  }
  return out;
}

function push(out, length, clientId, name) {
  if (length <= 0) return;
  const last = out[out.length - 1];
  if (last && last.clientId === clientId && last.name === name) last.length += length;
  else out.push({ length, clientId, name });
}

/**
 * The text as runs of tinted spans, one per author span, as text nodes (never HTML). Each run says
 * whose it is in data-client-id (empty when unknown) and data-author; `titled` adds a tooltip.
 */
export function renderRuns(text, spans, titled = false) {
  const nodes = [];
  let index = 0;
  for (const s of spans) {
    const run = document.createElement('span');
    run.className = s.clientId ? 'author-run' : 'author-run author-unknown';
    run.dataset.clientId = s.clientId || '';
    run.dataset.author = authorLabel(s);
    run.style.backgroundColor = authorColor(s.clientId).tint;
    run.textContent = text.slice(index, index + s.length);
    if (titled) run.title = authorLabel(s);
    nodes.push(run);
    index += s.length;
  }
  if (index < text.length) nodes.push(document.createTextNode(text.slice(index)));
  return nodes;
}

/** The editor's layer: the live text in transparent ink, each author's runs on their tint. */
class AuthorshipLayer {
  constructor(textarea, layer) {
    this.textarea = textarea;
    this.layer = layer;
    this.content = document.createElement('div');
    this.content.className = 'overlay-content';
    layer.append(this.content);
    this.text = '';
    this.spans = null;
    this.pending = 0;
    textarea.addEventListener('scroll', () => {
      if (this.spans) placeLayer(textarea, layer, this.content);
    });
    new ResizeObserver(() => {
      if (this.spans) this.schedule();
    }).observe(textarea);
  }

  show(text, spans) {
    this.text = text;
    this.spans = spans;
    this.layer.hidden = false;
    this.schedule();
  }

  hide() {
    this.spans = null;
    this.layer.hidden = true;
    this.content.replaceChildren();
  }

  /** Redraws once per frame at most, and for a large text at most every LARGE_DELAY_MS. */
  schedule() {
    if (this.pending) return;
    this.pending = 1;
    const draw = () => requestAnimationFrame(() => {
      this.pending = 0;
      this.render();
    });
    if (this.text.length > LARGE_TEXT) setTimeout(draw, LARGE_DELAY_MS);
    else draw();
  }

  render() {
    if (!this.spans) return;
    placeLayer(this.textarea, this.layer, this.content);
    this.content.replaceChildren(...renderRuns(this.text, this.spans), document.createTextNode('\u200b'));
  }
}

/**
 * The editor's authorship colours, while switched on: fetches who wrote what at the page's
 * revision, then follows every op applied to the editor (an insert is its sender's; typing here is
 * ours) instead of asking again. It asks again only when it cannot follow: after a (re)join, a
 * reset, or an op whose sender it was not told.
 */
export class LiveAuthorship {
  /**
   * `room`; `token()` the current token; `session()` the RoomSession (its `client`, `self`,
   * `joined`, `name`); `text()` the editor's text; `failed(message)` shows why colours are off.
   */
  constructor({ textarea, layer, room, token, session, text, failed }) {
    this.layer = new AuthorshipLayer(textarea, layer);
    this.room = room;
    this.token = token;
    this.session = session;
    this.text = text;
    this.failed = failed;
    this.enabled = false;
    this.spans = null;   // for the editor's text, or null while unknown
    this.buffer = null;  // [op, author] applied to the editor while a fetch is on its way
    this.seq = 0;        // the current fetch; answers to older ones are dropped
    this.soon = 0;
    this.mismatches = 0;
    this.sender = null;  // the op message being applied, as the session receives it
  }

  setEnabled(on) {
    this.enabled = on;
    this.seq++;
    this.spans = null;
    this.buffer = null;
    this.mismatches = 0;
    clearTimeout(this.soon);
    if (on) this.refetch();
    else this.layer.hide();
  }

  /** The message the session is about to handle: the author of the op it applies, if it is one. */
  receiving(message) {
    this.sender = message && message.type === 'op' && message.clientId ? message : null;
  }

  /** Typed here (or undo, redo, re-applied changes): ours. */
  local(op) {
    const session = this.session();
    this.apply(op, { clientId: session.self ? session.self.clientId : null, name: session.name || null });
  }

  /**
   * Applied to the editor for the server. From an op message of a member we know its sender;
   * otherwise (a catch-up, a reset, an edit made over HTTP such as a restore, whose author is no
   * member) we ask the server again.
   */
  remote(op) {
    const m = this.sender;
    const peer = m ? this.session().others.byId.get(m.clientId) : null;
    if (!peer) {
      this.apply(op, { clientId: null, name: null });
      this.refetchSoon();
      return;
    }
    this.apply(op, { clientId: m.clientId, name: peer.name });
  }

  /** The page (re)joined or the editor's whole text was replaced: what we followed may be stale. */
  reset() {
    if (!this.enabled) return;
    this.mismatches = 0;
    this.refetch();
  }

  apply(op, author) {
    if (!this.enabled) return;
    if (this.buffer) this.buffer.push([op, author]); // and the colours shown meanwhile follow too
    if (!this.spans) return;
    try {
      this.spans = applyOp(this.spans, op, author);
      this.layer.show(this.text(), this.spans);
    } catch (e) {
      this.spans = null;
      if (!this.buffer) this.refetchSoon();
    }
  }

  refetchSoon() {
    if (!this.enabled) return;
    clearTimeout(this.soon);
    this.soon = setTimeout(() => this.refetch(), REFETCH_DELAY_MS);
  }

  async refetch() {
    clearTimeout(this.soon);
    const session = this.session();
    const client = session.client;
    if (!this.enabled || !client || !session.joined) return; // reset() asks once the page has joined
    const seq = ++this.seq;
    const rev = client.revision;
    const pending = client.pending(); // our unconfirmed edits: not in the server's answer yet
    const self = { clientId: session.self.clientId, name: session.name || null };
    this.buffer = [];
    let answer;
    try {
      answer = await revisionAuthors(this.room, this.token(), rev);
    } catch (e) {
      if (seq !== this.seq) return;
      this.buffer = null;
      this.spans = null;
      this.layer.hide();
      this.failed(`Author colours are not available: ${e.message}`);
      return;
    }
    if (seq !== this.seq || !this.enabled) return;
    const buffered = this.buffer;
    this.buffer = null;
    try {
      let spans = normalize(answer.spans);
      if (pending) spans = applyOp(spans, pending, self);
      for (const [op, author] of buffered) spans = applyOp(spans, op, author);
      if (totalLength(spans) !== this.text().length) throw new Error('the spans do not cover the text');
      this.spans = spans;
      this.mismatches = 0;
      this.layer.show(this.text(), spans);
    } catch (e) {
      // Something happened to the text that we could not follow (a reset mid-way, say): ask again.
      this.spans = null;
      this.mismatches += 1;
      if (this.mismatches < MAX_MISMATCHES) this.refetchSoon();
      else this.layer.hide();
    }
  }
}
