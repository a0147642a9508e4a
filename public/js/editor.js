// Binds a plain <textarea> to operations: each user edit becomes an op (by diffing against the
// last known text), and remote ops are spliced in place with the user's selection moved through
// them. During IME composition nothing is diffed or spliced; both wait for compositionend.

import { diff } from './ot.js';

export class TextareaBinding {
  /**
   * `onLocal(op, before)` receives every user edit; `onUndo(redo)` asks for an undo step;
   * `onSelection()` is told that the local selection may have moved; `onRemote(op)` is told of
   * every op applied for the server, `onReplace()` of every replacement of the whole text.
   */
  constructor(textarea, { onLocal, onUndo, onSelection, onRemote = () => {}, onReplace = () => {} }) {
    this.textarea = textarea;
    this.text = textarea.value;
    this.composing = false;
    this.deferred = []; // remote work held back while the user composes
    this.onLocal = onLocal;
    this.onUndo = onUndo;
    this.onSelection = onSelection;
    this.onRemote = onRemote;
    this.onReplace = onReplace;
    this.listen();
  }

  listen() {
    const ta = this.textarea;
    ta.addEventListener('input', (e) => {
      if (!e.isComposing && !this.composing) this.sync();
    });
    ta.addEventListener('compositionstart', () => { this.composing = true; });
    ta.addEventListener('compositionend', () => {
      this.composing = false;
      this.sync();
      const work = this.deferred;
      this.deferred = [];
      work.forEach((fn) => fn());
    });
    ta.addEventListener('beforeinput', (e) => {
      if (e.inputType === 'historyUndo' || e.inputType === 'historyRedo') {
        e.preventDefault();
        this.onUndo(e.inputType === 'historyRedo');
      }
    });
    ta.addEventListener('keydown', (e) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = (e.key || '').toLowerCase();
      if (mod && !e.altKey && (key === 'z' || key === 'y')) {
        e.preventDefault();
        this.onUndo(key === 'y' || e.shiftKey);
      }
    });
    const selectionMoved = () => this.onSelection();
    ['select', 'keyup', 'mouseup', 'focus', 'blur'].forEach((t) => ta.addEventListener(t, selectionMoved));
    document.addEventListener('selectionchange', () => {
      if (document.activeElement === ta) selectionMoved();
    });
  }

  /** Turns whatever the user changed since the last call into an op. */
  sync() {
    const value = this.textarea.value;
    if (value === this.text) return;
    const before = this.text;
    const op = diff(before, value, this.textarea.selectionEnd);
    this.text = value;
    this.onLocal(op, before);
  }

  /** Runs `fn` now, or after the current IME composition ends. */
  whenIdle(fn) {
    if (this.composing) this.deferred.push(fn);
    else fn();
  }

  /** Applies someone else's op, keeping the local selection and scroll position. */
  applyRemote(op) {
    this.sync();
    const ta = this.textarea;
    const { selectionStart, selectionEnd, selectionDirection, scrollTop } = ta;
    this.splice(op);
    this.text = op.apply(this.text);
    if (ta.value !== this.text) ta.value = this.text; // never expected; keeps the binding honest
    ta.setSelectionRange(op.transformIndex(selectionStart), op.transformIndex(selectionEnd), selectionDirection);
    ta.scrollTop = scrollTop;
    this.onRemote(op);
  }

  /** Applies an op of our own that did not come from typing (undo, redo), as the user would. */
  applyOwn(op) {
    this.sync();
    const ta = this.textarea;
    const before = this.text;
    this.splice(op);
    this.text = op.apply(before);
    if (ta.value !== this.text) ta.value = this.text;
    const caret = caretAfter(op);
    ta.setSelectionRange(caret, caret);
    this.onLocal(op, before);
  }

  /** Replaces the whole text (first join, resync), keeping the caret roughly where it was. */
  replace(text, op) {
    const ta = this.textarea;
    const start = op ? op.transformIndex(ta.selectionStart) : Math.min(ta.selectionStart, text.length);
    const end = op ? op.transformIndex(ta.selectionEnd) : Math.min(ta.selectionEnd, text.length);
    ta.value = text;
    this.text = text;
    ta.setSelectionRange(start, end);
    this.onReplace();
  }

  /** Edits the textarea in place, last component first, so untouched text is not re-laid out. */
  splice(op) {
    const ta = this.textarea;
    const edits = [];
    let index = 0;
    for (const c of op.ops) {
      if (typeof c === 'string') edits.push([index, index, c]);
      else if (c > 0) index += c;
      else {
        edits.push([index, index - c, '']);
        index -= c;
      }
    }
    for (let i = edits.length - 1; i >= 0; i--) {
      const [start, end, insert] = edits[i];
      ta.setRangeText(insert, start, end, 'preserve');
    }
  }

  selection() {
    const ta = this.textarea;
    const [anchor, head] = ta.selectionDirection === 'backward'
      ? [ta.selectionEnd, ta.selectionStart]
      : [ta.selectionStart, ta.selectionEnd];
    return [[anchor, head]];
  }

  setReadOnly(readOnly) {
    this.textarea.readOnly = readOnly;
    this.textarea.setAttribute('aria-readonly', String(readOnly));
  }
}

/** Where the caret goes after an undo or redo: the end of its last change. */
function caretAfter(op) {
  let index = 0;
  let caret = 0;
  for (const c of op.ops) {
    if (typeof c === 'string') {
      index += c.length;
      caret = index;
    } else if (c > 0) {
      index += c;
    } else {
      caret = index;
    }
  }
  return caret;
}
