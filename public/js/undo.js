// Undo and redo of the local user's own edits only, as ot.js's UndoManager: every stack entry is
// an inverse operation on the current document, moved through each remote op as it arrives, so
// undo never removes what someone else wrote.

import { TextOperation } from './ot.js';

const MAX_DEPTH = 200;
const MERGE_WINDOW_MS = 1000; // typing that continues where it left off within this time is one step

/** The one place an op changes: { start, deleted, end } (end: where its change ends afterwards), or null. */
function region(op) {
  let start = 0;
  let deleted = 0;
  let inserted = 0;
  let seenChange = false;
  let trailing = false;
  for (const c of op.ops) {
    if (typeof c === 'number' && c > 0) {
      if (seenChange) trailing = true;
      else start += c;
    } else if (trailing) {
      return null; // a second changed place
    } else {
      seenChange = true;
      if (typeof c === 'string') inserted += c.length;
      else deleted -= c;
    }
  }
  return seenChange ? { start, deleted, end: start + inserted } : null;
}

function transformStack(stack, op) {
  const moved = [];
  for (let i = stack.length - 1; i >= 0; i--) {
    const [entry, past] = TextOperation.transform(stack[i], op);
    if (!entry.isNoop()) moved.push(entry);
    op = past;
  }
  return moved.reverse();
}

export class UndoManager {
  constructor() {
    this.undoStack = [];
    this.redoStack = [];
    this.lastEditAt = 0;
    this.lastEnd = -1; // where the last recorded edit ended, kept current through remote ops
  }

  /** Records a local edit `op` made on `before`. */
  recordLocal(op, before, now = Date.now()) {
    const inverse = op.invert(before);
    const top = this.undoStack[this.undoStack.length - 1];
    const changed = region(op);
    const continues = changed && changed.start <= this.lastEnd && this.lastEnd <= changed.start + changed.deleted;
    this.lastEnd = changed ? changed.end : -1;
    if (top && continues && now - this.lastEditAt < MERGE_WINDOW_MS) {
      this.undoStack[this.undoStack.length - 1] = inverse.compose(top);
    } else {
      this.undoStack.push(inverse);
      if (this.undoStack.length > MAX_DEPTH) this.undoStack.shift();
    }
    this.redoStack = [];
    this.lastEditAt = now;
  }

  /** Moves both stacks past a remote op applied to the local document. */
  transform(op) {
    this.undoStack = transformStack(this.undoStack, op);
    this.redoStack = transformStack(this.redoStack, op);
    if (this.lastEnd >= 0) this.lastEnd = op.transformIndex(this.lastEnd);
  }

  /** The op that undoes the last local step on `doc` (or null); its inverse goes to redo. */
  undo(doc) {
    return this.step(this.undoStack, this.redoStack, doc);
  }

  redo(doc) {
    return this.step(this.redoStack, this.undoStack, doc);
  }

  step(from, to, doc) {
    const op = from.pop();
    if (!op) return null;
    to.push(op.invert(doc));
    this.lastEnd = -1;
    return op;
  }
}
