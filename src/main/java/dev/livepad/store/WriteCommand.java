package dev.livepad.store;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * A unit of work queued for the writer thread. Its outcome is decided inside the batch's
 * transaction but only delivered to its future once that transaction committed (or failed).
 */
abstract sealed class WriteCommand permits WriteCommand.Append, WriteCommand.Call, WriteCommand.Stop {

    private Object result;
    private RuntimeException failure;
    /** Of the write queue's bound, what this command holds while queued (0: taken over it). */
    int units;

    final void reset() {
        result = null;
        failure = null;
    }

    final void succeed(Object value) {
        result = value;
        failure = null;
    }

    final void fail(RuntimeException cause) {
        result = null;
        failure = cause;
    }

    /** Completes the future with the outcome recorded last. */
    final void deliver() {
        if (failure != null) {
            future().completeExceptionally(failure);
        } else {
            complete(result);
        }
    }

    abstract CompletableFuture<?> future();

    abstract void complete(Object value);

    /** One op for a room's log; its future is the one {@link DocumentStore#append} returned. */
    static final class Append extends WriteCommand {
        final String roomId;
        final StoredOp op;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        Append(String roomId, StoredOp op) {
            this.roomId = roomId;
            this.op = op;
        }

        @Override
        CompletableFuture<Void> future() {
            return future;
        }

        @Override
        void complete(Object value) {
            future.complete(null);
        }
    }

    /** Any other write, run as a function of the write connection; a caller waits on its future. */
    static final class Call<T> extends WriteCommand {
        final Work<T> work;
        final CompletableFuture<T> future = new CompletableFuture<>();

        Call(Work<T> work) {
            this.work = work;
        }

        @Override
        CompletableFuture<T> future() {
            return future;
        }

        @Override
        @SuppressWarnings("unchecked")
        void complete(Object value) {
            future.complete((T) value);
        }
    }

    /** Queued last by close: the writer commits what came before it and exits. */
    static final class Stop extends WriteCommand {
        static final Stop INSTANCE = new Stop();

        private Stop() {
        }

        @Override
        CompletableFuture<?> future() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        void complete(Object value) {
        }
    }

    /** The body of a {@link Call}. */
    @FunctionalInterface
    interface Work<T> {
        T run(SqliteWriteOps ops) throws SQLException;
    }
}
