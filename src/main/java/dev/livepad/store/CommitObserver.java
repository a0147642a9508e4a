package dev.livepad.store;

/**
 * Told of every commit of a store's writer, on the writer's thread, right after it: for metrics.
 * It must return at once; it is never told anything a caller has not been told too.
 */
public interface CommitObserver {
    CommitObserver NONE = new CommitObserver() {
        @Override
        public void committed(int ops, long nanos) {
        }

        @Override
        public void failed(int ops) {
        }
    };

    /** A transaction storing {@code ops} ops committed after {@code nanos} (first statement to commit). */
    void committed(int ops, long nanos);

    /** A transaction of {@code ops} ops failed: every one of them was refused. */
    void failed(int ops);
}
