package dev.livepad.store;

/**
 * The one rule both stores use to pick the base a load starts from, so a snapshot never hides
 * history that a resuming client may still need.
 *
 * <p>A load returns the newest snapshot whose revision is at most {@code head - historyOps}, and
 * every op after it; with no such snapshot it starts from revision 0 (empty text) while the log
 * still reaches back to revision 1, else from the oldest snapshot kept. A snapshot save deletes
 * what lies before the base a load would pick at that moment, since the head only grows and the
 * base chosen later can only move forward.
 */
final class Retention {

    private Retention() {
    }

    /** The highest revision a base may have so that at least {@code historyOps} ops follow it. */
    static long baseLimit(long head, int historyOps) {
        return head - Math.max(0, historyOps);
    }

    /**
     * Whether the base must be revision 0: no snapshot qualified, and either the log still starts
     * at revision 1 or nothing at all is stored. Otherwise the oldest snapshot is the base.
     */
    static boolean startsFromEmpty(Long firstOpRev, boolean anySnapshot) {
        return firstOpRev == null ? !anySnapshot : firstOpRev == 1L;
    }
}
