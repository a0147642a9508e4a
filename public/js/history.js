// The history view: a timeslider over the room's revisions that shows the text at the chosen one,
// each part tinted by who wrote it, and lets an owner or editor restore it. It takes the editor's
// place while open (the editor keeps following the room underneath), and reads everything from the
// HTTP API: GET /history for who made each revision and when, /text and /authors for the text at a
// revision, POST /restore to bring one back, which the server applies as one ordinary op that every
// window (this one too) receives and converges on.
//
// Keyboard: the slider is a native <input type=range> (arrows step one revision, Page Up/Down
// jump, Home/End go to the first and the last); Escape closes the view and puts the focus back on
// the History button. The restore asks first, in a modal <dialog> that opens on Cancel.

import { restoreRevision, revisionAuthors, revisionList, revisionText } from './api.js';
import { authorColor, authorLabel, normalize, renderRuns, totalLength } from './authorship.js';

const $ = (id) => document.getElementById(id);
const PAGE = 200;         // revisions asked for at a time
const LOAD_DELAY_MS = 120; // while the slider moves, only where it stops is fetched
const CACHED = 40;        // revisions whose text and authors are kept
const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export class HistoryView {
  /**
   * `room`; `token()` the current token; `name()` the display name, recorded with a restore;
   * `announce(message)` speaks through the page's polite live region; `editor` takes the focus
   * after a restore.
   */
  constructor({ room, token, name, announce, editor }) {
    this.room = room;
    this.token = token;
    this.name = name;
    this.announce = announce;
    this.editor = editor;
    this.isOpen = false;
    this.role = null;
    this.head = 0;
    this.oldest = 0;          // the oldest revision the server still has
    this.meta = new Map();    // rev -> { rev, clientId, name, time, inserted, deleted }
    this.cache = new Map();   // rev -> { text, spans }, least recently used first
    this.pages = new Map();   // `before` -> the request for that page, so it is asked once
    this.seq = 0;
    this.timer = 0;
    this.slider = $('history-slider');
    this.wire();
  }

  wire() {
    $('history-open').addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    $('history-close').addEventListener('click', () => this.close());
    this.slider.addEventListener('input', () => this.moved());
    $('history-older').addEventListener('click', () => this.step(-1));
    $('history-newer').addEventListener('click', () => this.step(1));
    $('history-view').addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        this.close();
      }
    });
    $('history-restore').addEventListener('click', () => this.confirmRestore());
    const dialog = $('restore-dialog');
    dialog.addEventListener('close', () => {
      if (dialog.returnValue === 'restore') this.restore(Number(dialog.dataset.rev));
    });
  }

  /** The page joined with `role`: only owners and editors may restore. */
  setRole(role) {
    this.role = role;
    $('history-actions').hidden = !this.canRestore();
  }

  canRestore() {
    return this.role === 'owner' || this.role === 'editor';
  }

  async open() {
    this.isOpen = true;
    document.querySelector('.room-main').classList.add('history-open');
    $('history-view').hidden = false;
    $('history-open').setAttribute('aria-expanded', 'true');
    this.setRole(this.role);
    this.error(null);
    $('history-meta').textContent = 'Loading the history…';
    this.slider.disabled = true;
    this.meta.clear();
    this.pages.clear();
    try {
      const page = await this.page(undefined);
      if (!this.isOpen) return;
      this.head = page.head;
      // A short first page lists every revision kept: the slider starts at the text before the oldest.
      const everything = this.meta.size > 0 && page.revisions.length < PAGE;
      this.oldest = everything ? Math.max(0, Math.min(...this.meta.keys()) - 1) : 0;
      this.slider.min = String(this.oldest);
      this.slider.max = String(this.head);
      this.slider.value = String(this.head);
      this.slider.disabled = false;
      this.updateLabels();
      this.slider.focus();
      this.load(this.head);
    } catch (e) {
      if (!this.isOpen) return;
      this.error(`The history could not be loaded: ${e.message}`);
      $('history-meta').textContent = '';
      $('history-close').focus();
    }
  }

  close() {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.seq++;
    clearTimeout(this.timer);
    document.querySelector('.room-main').classList.remove('history-open');
    $('history-view').hidden = true;
    const opener = $('history-open');
    opener.setAttribute('aria-expanded', 'false');
    if (opener.offsetParent !== null) opener.focus();
    else this.editor.focus();
  }

  /** The page has seen revision `rev`: the slider reaches it too, and follows it if it was at the end. */
  revisionSeen(rev) {
    if (!this.isOpen || this.slider.disabled || !(rev > this.head)) return;
    const atEnd = this.value() === this.head;
    this.head = rev;
    this.slider.max = String(rev);
    if (atEnd) {
      this.slider.value = String(rev);
      this.moved();
    } else {
      this.updateLabels();
    }
  }

  value() {
    return Number(this.slider.value);
  }

  step(delta) {
    const next = Math.max(this.oldest, Math.min(this.head, this.value() + delta));
    if (next === this.value()) return;
    this.slider.value = String(next);
    this.moved();
  }

  /** The slider moved: say where it is now, fetch what it points at once it stops. */
  moved() {
    this.updateLabels();
    clearTimeout(this.timer);
    const rev = this.value();
    this.timer = setTimeout(() => this.load(rev), LOAD_DELAY_MS);
  }

  /**
   * The slider's spoken value (aria-valuetext, which screen readers say as it moves) and the line
   * under it, from what is known of the revision: the same words, said once.
   */
  updateLabels() {
    const rev = this.value();
    const meta = this.meta.get(rev);
    let about;
    if (rev === 0) about = 'the empty document, before the first edit';
    else if (meta) about = describe(meta);
    else about = 'loading…';
    const text = `Revision ${rev} of ${this.head}${rev === this.head ? ' (the current text)' : ''}: ${about}`;
    this.slider.setAttribute('aria-valuetext', text);
    $('history-meta').textContent = text;
    $('history-restore').disabled = rev === this.head;
    if (rev !== 0 && !meta) {
      this.page(rev + 1).then(() => {
        if (this.isOpen && this.value() === rev && this.meta.has(rev)) this.updateLabels();
      }, () => {});
    }
  }

  /** One page of the revision list, newest first, below `before` (undefined: from the head). */
  page(before) {
    const key = before === undefined ? 'head' : before;
    if (!this.pages.has(key)) {
      const request = revisionList(this.room, this.token(), before, PAGE).then((page) => {
        for (const r of page.revisions) this.meta.set(r.rev, r);
        return page;
      });
      request.catch(() => this.pages.delete(key));
      this.pages.set(key, request);
    }
    return this.pages.get(key);
  }

  /** Shows the text at `rev` with its authors, unless the slider has moved on by then. */
  async load(rev) {
    const seq = ++this.seq;
    const view = $('history-text');
    view.setAttribute('aria-busy', 'true');
    try {
      const at = await this.revision(rev);
      if (seq !== this.seq) return;
      this.error(null);
      this.render(at);
    } catch (e) {
      if (seq !== this.seq) return;
      if (e.code === 'bad_rev' && rev < this.head) {
        // Older than the history the server keeps: the slider starts after it from now on.
        this.oldest = rev + 1;
        this.slider.min = String(this.oldest);
      }
      this.error(e.code === 'bad_rev'
        ? `Revision ${rev} is no longer kept by the server.`
        : `Revision ${rev} could not be loaded: ${e.message}`);
    } finally {
      if (seq === this.seq) view.removeAttribute('aria-busy');
    }
  }

  async revision(rev) {
    const cached = this.cache.get(rev);
    if (cached) {
      this.cache.delete(rev);
      this.cache.set(rev, cached);
      return cached;
    }
    const [text, authors] = await Promise.all([
      revisionText(this.room, this.token(), rev),
      revisionAuthors(this.room, this.token(), rev),
    ]);
    let spans = normalize(authors.spans);
    if (totalLength(spans) !== text.length) spans = [{ length: text.length, clientId: null, name: null }];
    const at = { text, spans };
    this.cache.set(rev, at);
    if (this.cache.size > CACHED) this.cache.delete(this.cache.keys().next().value);
    return at;
  }

  render({ text, spans }) {
    const view = $('history-text');
    if (!text) {
      const empty = document.createElement('span');
      empty.className = 'hint';
      empty.textContent = 'The document is empty at this revision.';
      view.replaceChildren(empty);
    } else {
      view.replaceChildren(...renderRuns(text, spans, true));
    }
    $('history-authors').replaceChildren(...legend(spans));
  }

  confirmRestore() {
    const rev = this.value();
    if (!this.canRestore() || rev === this.head) return;
    const dialog = $('restore-dialog');
    const meta = this.meta.get(rev);
    $('restore-rev').textContent = String(rev);
    $('restore-rev-again').textContent = String(rev);
    $('restore-when').textContent = rev === 0 ? 'empty, before the first edit'
      : meta ? `${authorLabel(meta)}, ${TIME.format(new Date(meta.time))}` : 'as shown';
    dialog.dataset.rev = String(rev);
    dialog.returnValue = '';
    dialog.showModal();
  }

  async restore(rev) {
    const button = $('history-restore');
    button.disabled = true;
    this.error(null);
    try {
      const result = await restoreRevision(this.room, this.token(), rev, this.name());
      this.announce(`Restored revision ${rev}, as revision ${result.rev}. Everyone sees that text now.`);
      this.close();
      this.editor.focus();
    } catch (e) {
      this.error(e.code === 'forbidden'
        ? 'Only the owner and editors can restore a revision.'
        : `Revision ${rev} could not be restored: ${e.message}`);
      button.focus();
    } finally {
      button.disabled = false;
    }
  }

  error(message) {
    const element = $('history-error');
    element.hidden = !message;
    element.textContent = message || '';
  }
}

/** Who made a revision, when, and how much it changed. */
function describe(meta) {
  const parts = [authorLabel(meta), TIME.format(new Date(meta.time))];
  const changes = [];
  if (meta.inserted) changes.push(`${meta.inserted} added`);
  if (meta.deleted) changes.push(`${meta.deleted} removed`);
  if (changes.length) parts.push(changes.join(', '));
  return parts.join(', ');
}

/** One entry per author of the text, in the order their writing first appears, with their share. */
function legend(spans) {
  const authors = new Map();
  for (const s of spans) {
    const key = `${s.clientId}\u0000${s.name}`;
    const entry = authors.get(key) || { clientId: s.clientId, name: s.name, length: 0 };
    entry.length += s.length;
    authors.set(key, entry);
  }
  return [...authors.values()].map((a) => {
    const li = document.createElement('li');
    li.className = 'history-author';
    li.dataset.clientId = a.clientId || '';
    li.dataset.author = authorLabel(a);
    const swatch = document.createElement('span');
    swatch.className = 'history-swatch';
    swatch.setAttribute('aria-hidden', 'true');
    swatch.style.backgroundColor = authorColor(a.clientId).strong;
    const name = document.createElement('span');
    name.textContent = authorLabel(a);
    const share = document.createElement('span');
    share.className = 'hint';
    share.textContent = `${a.length} ${a.length === 1 ? 'character' : 'characters'}`;
    li.append(swatch, name, share);
    return li;
  });
}
