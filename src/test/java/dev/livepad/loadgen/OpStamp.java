package dev.livepad.loadgen;

/**
 * The op {@code id} as a carrier of the send time, so that latency needs no protocol extension:
 * {@code RUN.PHASE.EDITOR.SEQ.NANOS}. Every client lives in this one process, so {@link System#nanoTime()} taken
 * at sending compares directly with the one taken at receipt. Ids stay unique per room (editor and counter).
 */
record OpStamp(String phase, long sentNanos) {
    /** The id for an op sent now by {@code editor} in {@code phase} of run {@code run}. */
    static String id(String run, String phase, int editor, long seq, long nowNanos) {
        return run + '.' + phase + '.' + editor + '.' + seq + '.' + nowNanos;
    }

    /** The stamp in {@code id} if it was made by run {@code run}, else null (someone else's op). */
    static OpStamp parse(String run, String id) {
        if (id == null || !id.startsWith(run) || id.length() <= run.length() || id.charAt(run.length()) != '.') {
            return null;
        }
        int phaseEnd = id.indexOf('.', run.length() + 1);
        int nanosStart = id.lastIndexOf('.') + 1;
        if (phaseEnd < 0 || nanosStart <= phaseEnd) {
            return null;
        }
        try {
            return new OpStamp(id.substring(run.length() + 1, phaseEnd), Long.parseLong(id.substring(nanosStart)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
