package dev.livepad.ot;

/**
 * Compose and transform, ported from ot.js: both walk two operations in lockstep over a shared
 * imaginary cursor, consuming the shorter of the two current components at each step.
 */
final class OpAlgebra {
    private OpAlgebra() {
    }

    /** The single operation equivalent to applying {@code first} and then {@code second}. */
    static TextOperation compose(TextOperation first, TextOperation second) {
        if (first.targetLength() != second.baseLength()) {
            throw new IllegalArgumentException("cannot compose: first operation produces length "
                    + first.targetLength() + " but second expects " + second.baseLength());
        }
        OpCursor a = first.cursor();
        OpCursor b = second.cursor();
        TextOperation.Builder out = TextOperation.builder();
        while (!a.done() || !b.done()) {
            if (a.isDelete()) {
                // Text deleted by the first op is invisible to the second.
                out.delete(a.remaining());
                a.advance(a.remaining());
            } else if (b.isInsert()) {
                // Text inserted by the second op does not exist in the first op's output.
                out.insert(b.takeText(b.remaining()));
            } else {
                composeOverlap(a, b, out);
            }
        }
        return out.buildTrusted();
    }

    /** Both cursors are on one character of the middle document: a retained or inserted it, b retains or deletes it. */
    private static void composeOverlap(OpCursor a, OpCursor b, TextOperation.Builder out) {
        if (a.done() || b.done()) {
            throw new IllegalStateException("operations do not line up");
        }
        int n = Math.min(a.remaining(), b.remaining());
        if (a.isRetain()) {
            if (b.isRetain()) {
                out.retain(n);
            } else {
                out.delete(n);
            }
            a.advance(n);
        } else if (b.isRetain()) {
            out.insert(a.takeText(n));
        } else {
            a.advance(n); // inserted by a, deleted by b: the two cancel out
        }
        b.advance(n);
    }

    /** ot.js transform: the primes apply after the other operation and converge on the same document. */
    static TextOperation.Transformed transform(TextOperation first, TextOperation second) {
        if (first.baseLength() != second.baseLength()) {
            throw new IllegalArgumentException("cannot transform: base lengths differ ("
                    + first.baseLength() + " vs " + second.baseLength() + ")");
        }
        OpCursor a = first.cursor();
        OpCursor b = second.cursor();
        TextOperation.Builder aPrime = TextOperation.builder();
        TextOperation.Builder bPrime = TextOperation.builder();
        while (!a.done() || !b.done()) {
            if (a.isInsert()) {
                // Checked before b's insert, so on a tie a's text ends up first.
                String text = a.takeText(a.remaining());
                aPrime.insert(text);
                bPrime.retain(text.length());
            } else if (b.isInsert()) {
                String text = b.takeText(b.remaining());
                aPrime.retain(text.length());
                bPrime.insert(text);
            } else {
                transformOverlap(a, b, aPrime, bPrime);
            }
        }
        return new TextOperation.Transformed(aPrime.buildTrusted(), bPrime.buildTrusted());
    }

    /** Both cursors cover the same base characters: each retains or deletes them. */
    private static void transformOverlap(OpCursor a, OpCursor b, TextOperation.Builder aPrime,
                                         TextOperation.Builder bPrime) {
        if (a.done() || b.done()) {
            throw new IllegalStateException("operations do not line up");
        }
        int n = Math.min(a.remaining(), b.remaining());
        if (a.isRetain() && b.isRetain()) {
            aPrime.retain(n);
            bPrime.retain(n);
        } else if (a.isDelete() && b.isRetain()) {
            aPrime.delete(n);
        } else if (a.isRetain() && b.isDelete()) {
            bPrime.delete(n);
        } // both delete the same text: neither prime has anything left to do
        a.advance(n);
        b.advance(n);
    }
}
