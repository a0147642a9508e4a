// Undo and redo of the local user's own edits only, as ot.js's UndoManager: every stack entry is
// an inverse operation on the current document, moved through each remote op as it arrives, so
// undo never removes what someone else wrote.

import { TextOperation } from './ot.js';

const MAX_DEPTH = 200;
const MERGE_WINDOW_MS = 800; // keystrokes closer together than this undo as one step

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
  }

  /** Records a local edit `op` made on `before`. */
  recordLocal(op, before, now = Date.now()) {
    const inverse = op.invert(before);
    const top = this.undoStack[this.undoStack.length - 1];
    if (top && now - this.lastEditAt < MERGE_WINDOW_MS) {
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
    this.lastEditAt = 0; // do not merge across someone else's edit
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
    this.lastEditAt = 0;
    return op;
  }
}
