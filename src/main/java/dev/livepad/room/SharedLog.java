package dev.livepad.room;

import dev.livepad.ot.Rope;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ClientMessage;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.DocumentStore.AppendConflict;
import dev.livepad.store.StoredOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a room orders its ops when several instances append to one shared log (PostgreSQL), the
 * one authority on revision order. Used only on the room's executor.
 *
 * <p>As ShareDB does, a batch is committed optimistically at the revisions after the last one
 * this instance knows; only one batch is in flight per room. When another instance took those
 * revisions first, the store itself transforms the batch past the ops that won, in the same
 * transaction ({@link DocumentStore#appendRebasing}, {@link Rebase}), and this room applies the
 * winners and then its own ops as stored: no retry, so instances busy in one room never livelock.
 * Only when that cannot be done ({@link AppendConflict}: a retried op id among the winners, a
 * pruned log) is the batch rolled back, the winners read and applied as remote ops, and the
 * batch's messages transformed past them and tried again. Acks and broadcasts leave only after
 * the commit, and only then is the batch published on the bus.
 *
 * <p>Ops of other instances arrive on the bus, at most once and possibly late: each is applied
 * only when it is the next revision; a gap, a lost last op (noticed by the registry's head
 * check) or a bus reconnect make the room read what it missed from the store. Unlike ShareDB,
 * whose server leaves gap filling to its clients, every member here receives every revision in
 * order from its own instance.
 *
 * <p>Anything that reads the room's state (a join, a cursor) waits while a batch is in flight
 * or the room is catching up ({@link #settled}), so no reply can show ops that are then rolled back.
 */
final class SharedLog {
    private static final Logger LOG = LoggerFactory.getLogger(SharedLog.class);
    /** Ops committed in one batch at most; more wait for the next, so one commit stays small. */
    private static final int MAX_BATCH = 256;
    /** Ops read from the store per catch-up query. */
    private static final int FETCH = 500;
    /** A message that loses this many races in a row is answered {@code unavailable}. */
    private static final int MAX_CONFLICTS = 20;
    /** Remote ops kept while waiting for an earlier one; beyond that the store fills in. */
    private static final int MAX_ARRIVED = 10_000;

    private static final class Submission {
        final Member member;
        final ClientMessage.Op msg;
        final long fingerprint;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        int conflicts;
        boolean caughtUpForRev;

        Submission(Member member, ClientMessage.Op msg, long fingerprint) {
            this.member = member;
            this.msg = msg;
            this.fingerprint = fingerprint;
        }
    }

    /**
     * A message of the batch in flight: applied as {@code applied}, with {@code text} the text
     * right after it, or a retry of one of them (both null).
     */
    private record Tentative(Submission submission, DocumentCore.Applied applied, long rev, Rope text) {
    }

    private final Room room;
    private final DocumentCore core;
    private final ClusterLink link;
    private final ArrayDeque<Submission> waiting = new ArrayDeque<>();
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    private final TreeMap<Long, StoredOp> arrived = new TreeMap<>();
    private List<Tentative> inflight;
    private boolean catchingUp;
    private boolean pumping;
    private long committedRev;
    private Rope committedText; // the core's text at committedRev, kept to roll back to

    SharedLog(Room room, DocumentCore core, ClusterLink link) {
        this.room = room;
        this.core = core;
        this.link = link;
        this.committedRev = core.history().headRev();
        this.committedText = core.textRope();
    }

    /** No batch in flight and nothing being read: the core holds exactly the committed log. */
    boolean settled() {
        return inflight == null && !catchingUp;
    }

    /** Nothing in flight, waiting or deferred: the room may leave memory. */
    boolean isIdle() {
        return settled() && waiting.isEmpty() && deferred.isEmpty();
    }

    /** Runs {@code task} once settled, in the order deferred, before any new batch forms. */
    void defer(Runnable task) {
        deferred.addLast(task);
    }

    /** Queues a local op; its future completes once it is acked, or with the error its sender gets. */
    CompletableFuture<Void> submit(Member member, ClientMessage.Op msg, long fingerprint) {
        Submission submission = new Submission(member, msg, fingerprint);
        waiting.addLast(submission);
        pump();
        return submission.done;
    }

    /** Ops another instance committed, as its bus message carried them. */
    void arrived(List<StoredOp> ops) {
        for (StoredOp op : ops) {
            if (op.rev() > committedRev && arrived.size() < MAX_ARRIVED) {
                arrived.put(op.rev(), op);
            }
        }
        pump();
    }

    /** The store's head as the registry last read it; behind it, this room missed ops. */
    void storeHead(long head) {
        if (head > committedRev && settled()) {
            catchUp();
        }
    }

    /**
     * A client resumes from a revision it saw on another instance: read up to it before
     * answering, rather than answer with a reset to an older text.
     */
    void catchUpTo(long rev) {
        if (rev > committedRev && settled()) {
            catchUp();
        }
    }

    /** The bus was down for a while: anything may have been missed. */
    void resync() {
        if (settled()) {
            catchUp();
        }
    }

    /**
     * Does whatever can be done now, in order: deferred reads, remote ops that are next in line,
     * a catch-up when one is missing, then the next batch of local ops.
     */
    void pump() {
        if (pumping) {
            return; // a deferred task submitted an op; the loop below picks it up
        }
        pumping = true;
        try {
            while (room.isOpen() && settled()) {
                Runnable task = deferred.pollFirst();
                if (task != null) {
                    task.run();
                } else if (!applyArrived()) {
                    catchUp();
                } else if (waiting.isEmpty()) {
                    return;
                } else {
                    startBatch();
                }
            }
        } finally {
            pumping = false;
        }
    }

    /** Applies the arrived ops that follow the head; false when one before them is missing. */
    private boolean applyArrived() {
        while (!arrived.isEmpty()) {
            long first = arrived.firstKey();
            if (first <= committedRev) {
                arrived.pollFirstEntry(); // ours, echoed, or already read from the store
            } else if (first == committedRev + 1) {
                applyStored(arrived.pollFirstEntry().getValue());
            } else {
                return false;
            }
        }
        return true;
    }

    private void applyStored(StoredOp op) {
        DocumentCore.Applied applied = core.applyStored(op.rev(), link.codec().decodeStoredOp(op.opJson()),
                op.opJson(), op.clientId(), op.opId(), op.fingerprint());
        committedRev = op.rev();
        committedText = core.textRope();
        room.context().stats().remoteOpsApplied.increment();
        room.deliverRemote(applied, resender(op));
    }

    /**
     * The member here who waits with a retry of {@code op}: its client sent it on another
     * instance, lost the ack, and resumed here before the op arrived. It must not receive its own
     * op as another member's (a client applies those); the retry is acked once its turn comes.
     */
    private Member resender(StoredOp op) {
        if (op.opId() == null) {
            return null;
        }
        for (Submission s : waiting) {
            if (s.msg.id().equals(op.opId()) && s.fingerprint == op.fingerprint()) {
                return s.member;
            }
        }
        return null;
    }

    private void startBatch() {
        List<Tentative> batch = new ArrayList<>();
        List<StoredOp> ops = new ArrayList<>();
        List<TextOperation> bases = new ArrayList<>(); // each op past the committed ops only
        while (!waiting.isEmpty() && ops.size() < MAX_BATCH) {
            Submission s = waiting.peekFirst();
            if (s.msg.rev() > committedRev && !s.caughtUpForRev) {
                // Its sender saw ops of another instance that this one has not yet: read them
                // first (once; a revision still ahead after that is really in the future), after
                // committing what this batch already holds.
                if (ops.isEmpty()) {
                    s.caughtUpForRev = true;
                    catchUp();
                }
                break;
            }
            waiting.pollFirst();
            try {
                room.requireMember(s.member);
                OptionalLong retried = core.retryOf(s.msg.id(), s.fingerprint);
                if (retried.isPresent()) {
                    long rev = retried.getAsLong();
                    if (rev <= committedRev) {
                        ack(s, rev);
                    } else {
                        batch.add(new Tentative(s, null, rev, null)); // a retry of an op of this batch
                    }
                    continue;
                }
                DocumentCore.Applied applied = room.applyLocal(s.member, s.msg, s.fingerprint, committedRev);
                bases.add(applied.atCommitted());
                batch.add(new Tentative(s, applied, applied.entry().rev(), core.textRope()));
                ops.add(new StoredOp(applied.entry().rev(), applied.opJson(), s.msg.id(),
                        s.member.info().clientId(), System.currentTimeMillis(), s.fingerprint, s.member.info().name()));
            } catch (RuntimeException e) {
                s.done.completeExceptionally(e);
            }
        }
        if (ops.isEmpty()) {
            return;
        }
        inflight = batch;
        room.textChanged();
        room.context().store().appendRebasing(room.id(), ops, new Rebase(link.codec(), bases))
                .whenComplete((appended, failure) -> room.execute(() -> batchDone(ops, appended, failure)));
    }

    private void batchDone(List<StoredOp> ops, DocumentStore.Appended appended, Throwable failure) {
        List<Tentative> batch = inflight;
        inflight = null;
        if (!room.isOpen()) {
            return;
        }
        if (failure == null && !appended.theirs().isEmpty()) {
            rebased(batch, appended);
        } else if (failure == null) {
            committedRev = ops.get(ops.size() - 1).rev();
            committedText = core.textRope();
            for (Tentative t : batch) {
                if (t.applied() != null) {
                    room.deliverCommitted(t.submission().member, t.applied(), t.text());
                    t.submission().done.complete(null);
                } else {
                    ack(t.submission(), t.rev());
                }
            }
            room.publish(new BusMessage.Ops(room.id(), link.instanceId(), ops));
        } else {
            core.rollBack(committedRev, committedText);
            room.textChanged();
            Throwable cause = RoomRegistry.unwrap(failure);
            if (cause instanceof AppendConflict) {
                room.context().stats().appendConflicts.increment();
                for (int i = batch.size() - 1; i >= 0; i--) {
                    Submission s = batch.get(i).submission();
                    if (++s.conflicts > MAX_CONFLICTS) {
                        LOG.warn("room {}: op {} lost {} races for a revision in a row; its sender gets unavailable",
                                room.name(), s.msg.id(), MAX_CONFLICTS);
                        s.done.completeExceptionally(unavailable());
                    } else {
                        waiting.addFirst(s);
                    }
                }
                if (!arrived.containsKey(ops.get(0).rev())) {
                    catchUp(); // else the bus already brought the op that won: no need to ask the store
                }
            } else {
                LOG.warn("room {}: {} ops could not be stored; their senders get unavailable: {}",
                        room.name(), ops.size(), cause.toString());
                for (Tentative t : batch) {
                    t.submission().done.completeExceptionally(unavailable());
                }
            }
        }
        pump();
    }

    /**
     * The batch lost its revisions but the store transformed it past the winners and stored it
     * after them: forget the tentative ops, apply the winners (local members receive them), then
     * ours exactly as stored, and ack each at its new revision.
     */
    private void rebased(List<Tentative> batch, DocumentStore.Appended appended) {
        room.context().stats().appendsRebased.increment();
        core.rollBack(committedRev, committedText);
        room.textChanged();
        for (StoredOp op : appended.theirs()) {
            if (op.rev() > committedRev) {
                applyStored(op);
            }
        }
        List<StoredOp> stored = appended.stored();
        long shift = stored.get(0).rev() - batch.stream().filter(t -> t.applied() != null).findFirst()
                .orElseThrow().rev();
        int next = 0;
        for (Tentative t : batch) {
            if (t.applied() == null) {
                ack(t.submission(), t.rev() + shift);
                continue;
            }
            StoredOp op = stored.get(next++);
            DocumentCore.Applied applied = core.applyStored(op.rev(), link.codec().decodeStoredOp(op.opJson()),
                    op.opJson(), op.clientId(), op.opId(), op.fingerprint());
            committedRev = op.rev();
            room.deliverCommitted(t.submission().member, applied, core.textRope());
            t.submission().done.complete(null);
        }
        committedText = core.textRope();
        room.textChanged();
        room.publish(new BusMessage.Ops(room.id(), link.instanceId(), stored));
    }

    private void ack(Submission s, long rev) {
        s.member.ack(room.name(), s.msg.id(), rev);
        s.done.complete(null);
    }

    private static ProtocolException unavailable() {
        return new ProtocolException(ErrorCode.UNAVAILABLE,
                "the op could not be stored now; resend it later with the same id");
    }

    /** Reads the ops after the head from the store, off the room's executor, then applies them. */
    private void catchUp() {
        if (catchingUp || inflight != null) {
            return;
        }
        catchingUp = true;
        room.context().stats().logCatchUps.increment();
        long from = committedRev;
        link.io().execute(() -> {
            List<StoredOp> ops;
            try {
                ops = room.context().store().opsAfter(room.id(), from, FETCH);
            } catch (RuntimeException e) {
                room.execute(() -> caughtUp(from, null, e));
                return;
            }
            room.execute(() -> caughtUp(from, ops, null));
        });
    }

    private void caughtUp(long from, List<StoredOp> ops, RuntimeException failure) {
        catchingUp = false;
        if (!room.isOpen()) {
            return;
        }
        if (failure != null) {
            // The store is out of reach: answer what waits rather than hold it, and forget what
            // arrived out of order; the head check catches up once the store answers again.
            LOG.warn("room {}: cannot read the shared log: {}", room.name(), failure.toString());
            arrived.clear();
            while (!waiting.isEmpty()) {
                waiting.pollFirst().done.completeExceptionally(unavailable());
            }
        } else {
            for (StoredOp op : ops) {
                if (op.rev() <= committedRev) {
                    continue;
                }
                if (op.rev() != committedRev + 1) {
                    room.fail(new IllegalStateException("room " + room.name() + ": the log was pruned past revision "
                            + committedRev + " before this instance read it; reloading"));
                    return;
                }
                applyStored(op);
            }
            if (ops.size() == FETCH) {
                catchUp(); // more to read
                return;
            }
        }
        if (from == committedRev && failure == null && !arrived.isEmpty() && arrived.firstKey() > committedRev + 1) {
            // The store has nothing before what arrived: it came ahead of its commit's visibility
            // to us, or the store is behind the bus. Drop it; the head check reads it later.
            arrived.clear();
        }
        pump();
    }

    /** The room closed: nothing waiting will be carried out. */
    void abandon() {
        for (Submission s : waiting) {
            s.done.completeExceptionally(new RoomGone(room.name()));
        }
        waiting.clear();
        arrived.clear();
        while (!deferred.isEmpty()) {
            deferred.pollFirst().run(); // each finds the room closed and answers so
        }
    }
}
