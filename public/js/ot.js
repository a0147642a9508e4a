// Text operations in the ot.js model and wire format, as the server's dev.livepad.ot.TextOperation.
//
// An operation walks the whole document once: a positive integer n retains n UTF-16 units, a
// non-empty string inserts it, a negative integer -n deletes n units. Adjacent components of the
// same kind are merged and an insert always precedes a delete at the same place, so every
// operation has one canonical form. The algorithms follow ot.js (Tim Baumann, MIT licence).

const isRetain = (c) => typeof c === 'number' && c > 0;
const isDelete = (c) => typeof c === 'number' && c < 0;
const isInsert = (c) => typeof c === 'string';

export class TextOperation {
  constructor() {
    this.ops = [];
    this.baseLength = 0;   // length of the document the operation applies to
    this.targetLength = 0; // length of the document it produces
  }

  retain(n) {
    if (n === 0) return this;
    this.baseLength += n;
    this.targetLength += n;
    const last = this.ops.length - 1;
    if (isRetain(this.ops[last])) this.ops[last] += n;
    else this.ops.push(n);
    return this;
  }

  insert(text) {
    if (text === '') return this;
    this.targetLength += text.length;
    const ops = this.ops;
    const last = ops.length - 1;
    if (isInsert(ops[last])) {
      ops[last] += text;
    } else if (isDelete(ops[last])) {
      // Keep inserts before deletes: "delete then insert" and "insert then delete" are the same edit.
      if (isInsert(ops[last - 1])) ops[last - 1] += text;
      else ops.splice(last, 0, text);
    } else {
      ops.push(text);
    }
    return this;
  }

  delete(n) {
    if (n === 0) return this;
    if (n > 0) n = -n;
    this.baseLength -= n;
    const last = this.ops.length - 1;
    if (isDelete(this.ops[last])) this.ops[last] += n;
    else this.ops.push(n);
    return this;
  }

  /** True if applying the operation changes nothing. */
  isNoop() {
    return this.ops.length === 0 || (this.ops.length === 1 && isRetain(this.ops[0]));
  }

  /** The ot.js JSON form, as sent on the wire. */
  toJSON() {
    return this.ops.slice();
  }

  /** Builds an operation from its JSON form; throws on anything that is not one. */
  static fromJSON(components) {
    if (!Array.isArray(components)) throw new Error('an operation must be an array');
    const op = new TextOperation();
    for (const c of components) {
      if (isInsert(c)) op.insert(c);
      else if (Number.isInteger(c) && c > 0) op.retain(c);
      else if (Number.isInteger(c) && c < 0) op.delete(c);
      else throw new Error('unknown operation component ' + JSON.stringify(c));
    }
    return op;
  }

  /** The document after this operation; throws if the operation does not fit it. */
  apply(doc) {
    if (doc.length !== this.baseLength) {
      throw new Error(`operation expects length ${this.baseLength}, document has ${doc.length}`);
    }
    const parts = [];
    let index = 0;
    for (const c of this.ops) {
      if (isRetain(c)) {
        parts.push(doc.slice(index, index + c));
        index += c;
      } else if (isInsert(c)) {
        parts.push(c);
      } else {
        index -= c;
      }
    }
    return parts.join('');
  }

  /** The operation that undoes this one, given the document it was applied to. */
  invert(doc) {
    const inverse = new TextOperation();
    let index = 0;
    for (const c of this.ops) {
      if (isRetain(c)) {
        inverse.retain(c);
        index += c;
      } else if (isInsert(c)) {
        inverse.delete(c.length);
      } else {
        inverse.insert(doc.slice(index, index - c));
        index -= c;
      }
    }
    return inverse;
  }

  /** One operation with the effect of this one followed by `b`. */
  compose(b) {
    const a = this;
    if (a.targetLength !== b.baseLength) {
      throw new Error('compose: the second operation must start where the first ends');
    }
    const result = new TextOperation();
    const ops1 = a.ops.slice();
    const ops2 = b.ops.slice();
    let i1 = 0;
    let i2 = 0;
    let op1 = ops1[i1++];
    let op2 = ops2[i2++];
    for (;;) {
      if (op1 === undefined && op2 === undefined) break;
      if (isDelete(op1)) {
        result.delete(op1);
        op1 = ops1[i1++];
        continue;
      }
      if (isInsert(op2)) {
        result.insert(op2);
        op2 = ops2[i2++];
        continue;
      }
      if (op1 === undefined || op2 === undefined) throw new Error('compose: operations do not line up');
      if (isRetain(op1) && isRetain(op2)) {
        const n = Math.min(op1, op2);
        result.retain(n);
        [op1, i1] = op1 > n ? [op1 - n, i1] : [ops1[i1], i1 + 1];
        [op2, i2] = op2 > n ? [op2 - n, i2] : [ops2[i2], i2 + 1];
      } else if (isInsert(op1) && isDelete(op2)) {
        const n = Math.min(op1.length, -op2);
        [op1, i1] = op1.length > n ? [op1.slice(n), i1] : [ops1[i1], i1 + 1];
        [op2, i2] = -op2 > n ? [op2 + n, i2] : [ops2[i2], i2 + 1];
      } else if (isInsert(op1) && isRetain(op2)) {
        const n = Math.min(op1.length, op2);
        result.insert(op1.slice(0, n));
        [op1, i1] = op1.length > n ? [op1.slice(n), i1] : [ops1[i1], i1 + 1];
        [op2, i2] = op2 > n ? [op2 - n, i2] : [ops2[i2], i2 + 1];
      } else { // retain then delete
        const n = Math.min(op1, -op2);
        result.delete(n);
        [op1, i1] = op1 > n ? [op1 - n, i1] : [ops1[i1], i1 + 1];
        [op2, i2] = -op2 > n ? [op2 + n, i2] : [ops2[i2], i2 + 1];
      }
    }
    return result;
  }

  /**
   * Transforms two operations made against the same document into [a', b'] such that
   * apply(apply(S, a), b') === apply(apply(S, b), a'). When both insert at the same place,
   * a's insert goes first (the ot.js rule; the server passes the incoming op as a, and a client
   * its unconfirmed op, so both sides break ties the same way).
   */
  static transform(a, b) {
    if (a.baseLength !== b.baseLength) {
      throw new Error('transform: both operations must start from the same document');
    }
    const aPrime = new TextOperation();
    const bPrime = new TextOperation();
    const ops1 = a.ops;
    const ops2 = b.ops;
    let i1 = 0;
    let i2 = 0;
    let op1 = ops1[i1++];
    let op2 = ops2[i2++];
    for (;;) {
      if (op1 === undefined && op2 === undefined) break;
      if (isInsert(op1)) {
        aPrime.insert(op1);
        bPrime.retain(op1.length);
        op1 = ops1[i1++];
        continue;
      }
      if (isInsert(op2)) {
        aPrime.retain(op2.length);
        bPrime.insert(op2);
        op2 = ops2[i2++];
        continue;
      }
      if (op1 === undefined || op2 === undefined) throw new Error('transform: operations do not line up');
      let n;
      if (isRetain(op1) && isRetain(op2)) {
        n = Math.min(op1, op2);
        aPrime.retain(n);
        bPrime.retain(n);
      } else if (isDelete(op1) && isDelete(op2)) {
        n = Math.min(-op1, -op2); // both delete the same units: nothing left to do for either
      } else if (isDelete(op1)) { // op2 retains
        n = Math.min(-op1, op2);
        aPrime.delete(n);
      } else { // op1 retains, op2 deletes
        n = Math.min(op1, -op2);
        bPrime.delete(n);
      }
      [op1, i1] = Math.abs(op1) > n ? [op1 > 0 ? op1 - n : op1 + n, i1] : [ops1[i1], i1 + 1];
      [op2, i2] = Math.abs(op2) > n ? [op2 > 0 ? op2 - n : op2 + n, i2] : [ops2[i2], i2 + 1];
    }
    return [aPrime, bPrime];
  }

  /** Where a position before this operation ends up after it; an insert at the position pushes it on. */
  transformIndex(index) {
    let ahead = index;
    let moved = index;
    for (const c of this.ops) {
      if (isRetain(c)) {
        ahead -= c;
      } else if (isInsert(c)) {
        moved += c.length;
      } else {
        moved -= Math.min(ahead, -c);
        ahead += c;
      }
      if (ahead < 0) break;
    }
    return moved;
  }
}

/** Moves [anchor, head] ranges through an operation, like ot.js's Selection.transform. */
export function transformRanges(ranges, op) {
  return ranges.map(([anchor, head]) => [op.transformIndex(anchor), op.transformIndex(head)]);
}

const isHighSurrogate = (code) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The operation turning `before` into `after` as one replaced region (common prefix and suffix
 * kept). `caret`, the caret position in `after` if known, picks among equally short answers the
 * one the user made: typing "a" into "a|a" inserts at the caret, not at the start. The region
 * never splits a surrogate pair.
 */
export function diff(before, after, caret = after.length) {
  const maxCommon = Math.min(before.length, after.length);
  let suffix = 0;
  const suffixLimit = Math.min(maxCommon, Math.max(0, after.length - caret));
  while (suffix < suffixLimit
      && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) {
    suffix++;
  }
  let prefix = 0;
  while (prefix < maxCommon - suffix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) {
    prefix++;
  }
  if (prefix === maxCommon - suffix) {
    // The shorter text is used up; extend the suffix back through the caret limit if it still matches.
    while (suffix < maxCommon - prefix
        && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) {
      suffix++;
    }
  }
  if (prefix > 0 && isHighSurrogate(after.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(after.charCodeAt(after.length - suffix))) suffix--;
  return new TextOperation()
    .retain(prefix)
    .delete(before.length - prefix - suffix)
    .insert(after.slice(prefix, after.length - suffix))
    .retain(suffix);
}

/**
 * Splits an operation whose inserts are too long for one message into a first part carrying at
 * most `maxInsert` inserted units and the remainder: first.compose(rest) equals op. Returns null
 * if the operation is small enough already.
 */
export function splitLargeInsert(op, maxInsert) {
  let budget = maxInsert;
  const first = new TextOperation();
  let outputDone = 0; // units the first part has produced
  let baseDone = 0;   // units of the base the first part has consumed
  let k = 0;
  for (; k < op.ops.length; k++) {
    const c = op.ops[k];
    if (isInsert(c) && c.length > budget) break;
    if (isInsert(c)) {
      first.insert(c);
      budget -= c.length;
      outputDone += c.length;
    } else if (isRetain(c)) {
      first.retain(c);
      baseDone += c;
      outputDone += c;
    } else {
      first.delete(c);
      baseDone -= c;
    }
  }
  if (k === op.ops.length) return null;
  let cut = budget;
  if (cut > 0 && isHighSurrogate(op.ops[k].charCodeAt(cut - 1))) cut--;
  const head = op.ops[k].slice(0, cut);
  first.insert(head).retain(op.baseLength - baseDone);
  const rest = new TextOperation().retain(outputDone + head.length).insert(op.ops[k].slice(cut));
  for (const c of op.ops.slice(k + 1)) {
    if (isInsert(c)) rest.insert(c);
    else if (isRetain(c)) rest.retain(c);
    else rest.delete(c);
  }
  return [first, rest];
}
