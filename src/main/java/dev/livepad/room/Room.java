package dev.livepad.room;

import dev.livepad.ot.Rope;
import dev.livepad.ot.Selection;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ClientMessage;
import dev.livepad.protocol.CloseCode;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.MemberInfo;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.protocol.ServerMessages;
import dev.livepad.protocol.ServerMessages.HistoryOp;
import dev.livepad.store.StoredOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live document and its members. Every method runs its work on the room's serial executor,
 * so ops are transformed and applied one at a time in revision order, as in ot.js's server:
 * check the revision is in history, transform against every op since, apply, append. Replies
 * leave through the {@link CommitLog} only once the op is durable.
 */
public final class Room {
    private static final Logger LOG = LoggerFactory.getLogger(Room.class);
    private static final long BUSY_EVICTION_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String name;
    private final String id;
    private final RoomContext context;
    private final SerialExecutor executor;
    private final History history;
    private final CommitLog commits;
    private final Members members;
    private final DurableMark durable;
    private volatile long tokenGeneration;
    private final DocumentCore core;
    private final SharedLog shared; // null when this process alone writes the store
    private final ClusterPresence presence; // null for a single process
    private String textJson; // the text encoded for join replies, until the next op
    private long weight; // this room's share of the memory budget as last accounted; admitted by the loader
    private volatile long resumeFloor; // history.oldestKnownRev(), for joins deciding off the executor
    private volatile long resumeBudget; // what a resume reply may weigh, see resumeBudget()
    private boolean open = true;
    private volatile long opsApplied; // written on the executor only, so ++ is safe; read by the dashboard
    private volatile long lastUsedNanos = System.nanoTime(); // its last leave or HTTP call, for eviction

    Room(String name, String id, long tokenGeneration, Rope text, History history, RoomContext context) {
        this.name = name;
        this.id = id;
        this.tokenGeneration = tokenGeneration;
        this.core = new DocumentCore(name, text, history, context.settings().maxDocChars());
        this.context = context;
        this.executor = new SerialExecutor(context.pool(), context.scheduler());
        this.history = history;
        this.commits = new CommitLog(history.headRev());
        this.durable = new DurableMark(history.headRev(), executor::executeHere, commits::committed);
        this.members = new Members(context.stats(), context.pool());
        this.weight = MemoryBudget.weight(text.length(), history);
        this.resumeFloor = history.oldestKnownRev();
        this.resumeBudget = Math.max(context.settings().resumeMaxBytes(), text.length());
        this.shared = context.cluster() == null ? null : new SharedLog(this, core, context.cluster());
        this.presence = context.cluster() == null ? null : new ClusterPresence(this, history, members,
                context.cluster());
    }

    public String name() {
        return name;
    }

    public String id() {
        return id;
    }

    /** Tokens minted in an older generation than this were revoked; read from any thread. */
    long tokenGeneration() {
        return tokenGeneration;
    }

    synchronized void raiseTokenGeneration(long generation) {
        tokenGeneration = Math.max(tokenGeneration, generation);
    }

    /**
     * Adds the member and replies {@code joined} (full text, or the ops since {@code resumeRev}).
     * {@code resumeId}, when the client sent it, is the id of the op it saw at {@code resumeRev}.
     */
    CompletableFuture<Void> join(Member member, OptionalLong resumeRev, Optional<String> resumeId) {
        return join(member, resumeRev, resumeId, List.of());
    }

    /**
     * {@link #join(Member, OptionalLong, Optional)} for a client resuming from before the ops kept
     * in memory: {@code older} are the ops after {@code resumeRev} read from the store (oldest
     * first), which the reply carries ahead of the kept ones when the two meet.
     */
    CompletableFuture<Void> join(Member member, OptionalLong resumeRev, Optional<String> resumeId,
                                 List<HistoryOp> older) {
        if (shared != null && resumeRev.isPresent()) {
            execute(() -> shared.catchUpTo(resumeRev.getAsLong())); // the join below waits for it
        }
        return onExecutor(() -> {
            if (members.count() >= context.settings().maxMembers()) {
                throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "room " + name + " is full ("
                        + context.settings().maxMembers() + " members)");
            }
            List<MemberInfo> others = new ArrayList<>(members.infos());
            members.add(member);
            if (presence != null) {
                others.addAll(presence.members());
                presence.announce();
            }
            long head = history.headRev();
            member.sinceRev = head;
            ServerMessages.Joined reply = joinedReply(member, head, others, resumeRev, resumeId, older);
            String presence = ServerMessages.presence(name, "join", member.info());
            List<String> cursors = cursorsAtHead(member);
            commits.whenCommitted(head, () -> {
                Outbox outbox = member.peer().outbox();
                if (outbox.isClosed()) {
                    // a joiner already gone costs no reply
                } else if (!outbox.couldQueue(reply.textJson() == null ? 0 : reply.textJson().length())) {
                    outbox.abort(CloseCode.TRY_AGAIN_LATER, "the server is sending all it can hold; try again");
                } else {
                    member.send(ServerMessages.joined(reply));
                }
                cursors.forEach(member::send);
                members.broadcast(presence, member);
            });
            return null;
        });
    }

    /**
     * Resumes with the missed ops when they are kept and cost no more to send than the text they
     * would replace (or {@code RESUME_MAX_BYTES}); otherwise a reset with the text, so a short
     * join can never ask for a reply many times the document's size.
     */
    private ServerMessages.Joined joinedReply(Member m, long head, List<MemberInfo> others, OptionalLong resumeRev,
                                              Optional<String> resumeId, List<HistoryOp> older) {
        String headId = history.idAt(head);
        if (resumeRev.isPresent() && !older.isEmpty() && older.get(0).rev() == resumeRev.getAsLong() + 1) {
            long joint = older.get(older.size() - 1).rev();
            if (history.covers(joint) && history.wireBytesSince(joint) <= resumeBudget()) {
                List<HistoryOp> missed = new ArrayList<>(older);
                missed.addAll(history.since(joint));
                return new ServerMessages.Joined(name, m.info().clientId(), m.role(), head, headId, null, missed,
                        false, others);
            }
        }
        if (resumeRev.isPresent() && history.covers(resumeRev.getAsLong())
                && sameRevision(resumeRev.getAsLong(), resumeId)
                && history.wireBytesSince(resumeRev.getAsLong()) <= resumeBudget()) {
            return new ServerMessages.Joined(name, m.info().clientId(), m.role(), head, headId, null,
                    history.since(resumeRev.getAsLong()), false, others);
        }
        return new ServerMessages.Joined(name, m.info().clientId(), m.role(), head, headId, textJson(), null,
                resumeRev.isPresent(), others);
    }

    /**
     * Whether the client's revision {@code rev} is this room's: without {@code revId} (older
     * clients) it is taken on trust; with it, the op kept at {@code rev} must have that id. After
     * a restore from a backup, revision numbers are reused by other ops, and a client that saw the
     * lost ones would otherwise be sent ops that do not apply to its text.
     */
    private boolean sameRevision(long rev, Optional<String> revId) {
        return revId.isEmpty() || revId.get().equals(history.idAt(rev));
    }

    /**
     * The text as a JSON string, encoded once per revision however many join at it. It counts
     * against the memory budget while kept (escaped emoji take six bytes a unit).
     */
    private String textJson() {
        if (textJson == null) {
            textJson = ServerMessages.jsonString(core.text());
            account();
        }
        return textJson;
    }

    /** Brings this room's share of the memory budget up to date with what it holds now; O(1), run per op. */
    private void account() {
        long now = MemoryBudget.weight(core.length(), history) + (textJson == null ? 0 : textJson.length());
        context.memory().adjust(now - weight);
        weight = now;
        resumeFloor = history.oldestKnownRev();
        resumeBudget = Math.max(context.settings().resumeMaxBytes(), core.length());
    }

    /**
     * The most a resume reply may carry in ops (wire bytes): no more than the text it replaces, or
     * {@code RESUME_MAX_BYTES}. Read from any thread; exact as of the last op.
     */
    long resumeBudget() {
        return resumeBudget;
    }

    /** The oldest revision a client can resume from with the ops in memory alone; read from any thread. */
    long resumeFloor() {
        return resumeFloor;
    }

    /** Transforms, applies and stores one op; the ack and broadcast follow its commit. */
    CompletableFuture<Void> submit(Member member, ClientMessage.Op msg) {
        long arrived = System.nanoTime();
        if (shared != null) { // its future completes once the op is committed or refused
            return onExecutor(() -> shared.submit(member, msg, editable(member, msg))).thenCompose(done -> done)
                    .thenRun(() -> acked(arrived));
        }
        return onExecutorHere(() -> {
            long fingerprint = editable(member, msg);
            OptionalLong retried = core.retryOf(msg.id(), fingerprint);
            if (retried.isPresent()) {
                long rev = retried.getAsLong();
                commits.whenCommitted(rev, () -> {
                    member.ack(name, msg.id(), rev);
                    acked(arrived);
                });
                return null;
            }
            stored(member, applyLocal(member, msg, fingerprint), fingerprint, arrived);
            return null;
        });
    }

    /**
     * Applies, as one op by {@code author} (a {@link Member#detached} member), the change
     * {@code change} makes of the text at the head; completes with the op's revision once it is
     * committed. An op from elsewhere that lands between reading the text and applying the change
     * is transformed past, as a member's concurrent op would be: nothing is clobbered.
     */
    CompletableFuture<Long> edit(Member author, String opId, Function<Rope, TextOperation> change) {
        return onExecutor(() -> new ClientMessage.Op(name, history.headRev(), opId, change.apply(core.textRope())))
                .thenCompose(msg -> submit(author, msg))
                .thenCompose(submitted -> author.acked());
    }

    /** {@link #submit} by a {@link Member#detached} author; completes with the op's revision once committed. */
    CompletableFuture<Long> submitDetached(Member author, ClientMessage.Op msg) {
        return submit(author, msg).thenCompose(submitted -> author.acked());
    }

    /** An ack left for an op that arrived at {@code arrivedNanos}. */
    private void acked(long arrivedNanos) {
        context.stats().opAck.record(System.nanoTime() - arrivedNanos, TimeUnit.NANOSECONDS);
    }

    /** Checks the member may edit here; returns the op's fingerprint. */
    private long editable(Member member, ClientMessage.Op msg) {
        requireMember(member);
        if (!member.role().canEdit()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "a viewer may not edit");
        }
        return OpFingerprint.of(msg.rev(), msg.op());
    }

    /** Charges the sender for the transform, checks memory, and has the core apply the op. */
    DocumentCore.Applied applyLocal(Member member, ClientMessage.Op msg, long fingerprint) {
        return applyLocal(member, msg, fingerprint, Long.MAX_VALUE);
    }

    /** The same, noting the op as transformed up to {@code committedRev} (for a shared log's rebase). */
    DocumentCore.Applied applyLocal(Member member, ClientMessage.Op msg, long fingerprint, long committedRev) {
        member.peer().charge(core.transformSteps(msg.rev(), msg.op().componentCount()));
        if (msg.op().insertedLength() > 0) { // a transformed op inserts what the op did
            context.memory().requireRoom("inserting text");
        }
        return core.apply(member.info().clientId(), msg.id(), msg.rev(), msg.op(), fingerprint, committedRev);
    }

    /** After the core applied an op: account its memory, store it, and release ack and broadcast on commit. */
    private void stored(Member member, DocumentCore.Applied applied, long fingerprint, long arrivedNanos) {
        HistoryOp entry = applied.entry();
        long rev = entry.rev();
        textChanged();
        context.stats().opsApplied.increment();
        opsApplied++; // on the room's executor only
        StoredOp stored = new StoredOp(rev, applied.opJson(), entry.id(), entry.clientId(),
                System.currentTimeMillis(), fingerprint, member.info().name());
        context.store().append(id, stored).whenComplete((ok, failure) -> {
            if (failure != null) {
                executor.execute(() -> fail(failure));
            } else {
                durable.advance(rev);
            }
        });
        String broadcast = ServerMessages.op(name, entry, applied.opJson());
        commits.whenCommitted(rev, () -> {
            member.ack(name, entry.id(), rev);
            acked(arrivedNanos);
            members.broadcastRevision(broadcast, member, rev);
        });
        snapshotIfDue(rev, core.textRope());
    }

    /** {@code textAtRev} is the text at {@code rev} exactly, written out on the snapshot thread. */
    private void snapshotIfDue(long rev, Rope textAtRev) {
        if (context.settings().snapshotDue(rev, textAtRev.length())) {
            commits.whenCommitted(rev, () -> context.snapshots().execute(() ->
                    context.store().saveSnapshot(id, rev, textAtRev.toString(), context.settings().keepOps())));
        }
    }

    /** The text changed (or went back): its cached encoding is stale and its memory is recounted. */
    void textChanged() {
        textJson = null;
        account();
    }

    /**
     * A local op of a shared log's batch is committed: ack it, show it to the others. {@code
     * textAtRev} is the text right after it, which is not the room's text when later ops of the
     * same batch are applied already.
     */
    void deliverCommitted(Member sender, DocumentCore.Applied applied, Rope textAtRev) {
        HistoryOp entry = applied.entry();
        commits.committed(entry.rev());
        context.stats().opsApplied.increment();
        opsApplied++; // on the room's executor only
        sender.ack(name, entry.id(), entry.rev());
        members.broadcastRevision(ServerMessages.op(name, entry, applied.opJson()), sender, entry.rev());
        snapshotIfDue(entry.rev(), textAtRev);
    }

    /**
     * Another instance's op, committed and applied here: every local member receives it but
     * {@code resender}, who sent it again here and is acked instead, as its sender would be.
     */
    void deliverRemote(DocumentCore.Applied applied, Member resender) {
        textChanged();
        opsApplied++;
        HistoryOp entry = applied.entry();
        commits.committed(entry.rev());
        members.broadcastRevision(ServerMessages.op(name, entry, applied.opJson()), resender, entry.rev());
        presence.opApplied(entry.rev());
    }

    /** Tells the other instances, if there is a bus; at most once, never waited for. */
    void publish(BusMessage message) {
        ClusterLink link = context.cluster();
        if (link != null && link.bus().isPresent()) {
            link.bus().get().publish(ClusterLink.channel(name), BusMessage.encode(link.json(), message))
                    .exceptionally(e -> null); // lost like any bus message; the others read the store
        }
    }

    /** A message from another instance about this room. */
    void onBus(BusMessage message) {
        if (!open || !message.roomId().equals(id)) {
            return;
        }
        if (message instanceof BusMessage.Ops ops) {
            if (!message.from().equals(context.cluster().instanceId())) {
                busDelay(ops.ops());
                shared.arrived(ops.ops());
            }
        } else if (message instanceof BusMessage.Closed) {
            closeDeleted();
        } else if (message instanceof BusMessage.Revoked revoked) {
            raiseTokenGeneration(revoked.generation());
        } else if (!shared.settled()) {
            // A cursor moves to the head, which holds tentative ops now: wait until they are
            // committed (or rolled back), as a local member's cursor does. Members messages wait
            // too, so a leave never overtakes that member's cursor.
            shared.defer(() -> {
                if (open) {
                    presence.received(message);
                }
            });
        } else {
            presence.received(message);
        }
    }

    /**
     * How long the newest of {@code ops} took from being stored (its instance's clock) to arriving
     * here; instances' clocks may differ by a little, so a negative delay counts as none.
     */
    private void busDelay(List<StoredOp> ops) {
        if (!ops.isEmpty()) {
            long delay = System.currentTimeMillis() - ops.get(ops.size() - 1).timeMillis();
            context.stats().busDelay.record(Math.max(0, delay), TimeUnit.MILLISECONDS);
        }
    }

    /** The registry's periodic call in a cluster: see {@link ClusterPresence#heartbeat}. */
    void heartbeat(long deadlineNanos) {
        if (open) {
            presence.heartbeat(deadlineNanos);
        }
    }

    /** Members found in the shared presence hash at load: see {@link ClusterPresence#seed}. */
    void seedRemote(Map<String, String> fields, long sinceMillis) {
        presence.seed(fields, sinceMillis);
    }

    /** The room's head in the store, read by the registry; absent when the room was deleted. */
    void storeHead(OptionalLong head) {
        if (!open) {
            return;
        }
        if (head.isEmpty()) {
            closeDeleted();
        } else if (shared != null) {
            shared.storeHead(head.getAsLong());
        }
    }

    /** The bus came back after an outage: read whatever was missed, and say again who is here. */
    void resync() {
        if (open && shared != null) {
            shared.resync();
            presence.announce();
        }
    }

    /** Members on other instances, as last heard; read from any thread for /status, so approximate. */
    int remoteMemberCount() {
        return presence == null ? 0 : presence.count();
    }

    RoomContext context() {
        return context;
    }

    boolean isOpen() {
        return open;
    }

    /** Runs on the room's executor; a failure there drops the room (it reloads from the store). */
    void execute(Runnable task) {
        executor.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                fail(e);
            }
        });
    }

    /** Moves the member's ranges to the head revision and shows them to the others. */
    CompletableFuture<Void> cursor(Member member, ClientMessage.Cursor msg) {
        return onExecutor(() -> {
            requireMember(member);
            if (!history.covers(msg.rev())) {
                throw new ProtocolException(ErrorCode.BAD_REV, "revision " + msg.rev() + " is not in the kept history");
            }
            int length = history.lengthAt(msg.rev(), core.length());
            for (Selection.Range r : msg.selection().ranges()) {
                if (r.anchor() > length || r.head() > length) {
                    throw new ProtocolException(ErrorCode.BAD_REQUEST, "a range lies beyond the document's end");
                }
            }
            // A range walks like a component.
            member.peer().charge(core.transformSteps(msg.rev(), msg.selection().ranges().size()));
            Selection moved = history.moveToHead(msg.rev(), msg.selection());
            long head = history.headRev();
            member.cursor = moved;
            member.cursorRev = head;
            String frame = ServerMessages.cursor(name, member.info().clientId(), head, moved);
            commits.whenCommitted(head, () -> members.broadcast(frame, member));
            if (presence != null) {
                presence.cursorMoved(member.info().clientId(), head, moved);
            }
            return null;
        });
    }

    /** Removes the member; others see it leave. {@code reply} sends {@code left} to the member. */
    CompletableFuture<Void> leave(Member member, boolean reply) {
        return onExecutor(() -> {
            requireMember(member);
            members.remove(member);
            if (presence != null) {
                presence.announce();
            }
            String presence = ServerMessages.presence(name, "leave", member.info());
            commits.whenCommitted(history.headRev(), () -> {
                if (reply) {
                    member.send(ServerMessages.left(name));
                }
                members.broadcast(presence, member);
            });
            if (members.isEmpty()) {
                used();
                scheduleEviction(context.settings().emptyRoomLinger().toNanos());
            }
            return null;
        });
    }

    /** Ends the room after deletion: every member receives {@code closed}. */
    CompletableFuture<Void> delete() {
        return onExecutor(() -> {
            closeDeleted();
            return null;
        });
    }

    private void closeDeleted() {
        if (!open) {
            return;
        }
        String frame = ServerMessages.closed(name);
        for (Member m : members.all()) {
            members.remove(m);
            m.send(frame);
        }
        close();
    }

    /**
     * The text for export, once every op applied so far is committed; the caller turns it into a
     * String, on its own thread rather than the room's or the one delivering commits.
     */
    CompletableFuture<Rope> committedText() {
        CompletableFuture<Rope> result = new CompletableFuture<>();
        onExecutor(() -> {
            Rope current = core.textRope();
            commits.whenCommitted(history.headRev(), () -> result.complete(current));
            return null;
        }).whenComplete((ok, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    /** An HTTP call or a leave: the room stays in memory at least the linger after it. */
    void used() {
        lastUsedNanos = System.nanoTime();
    }

    /**
     * Leaves memory once it has had no members and no HTTP call for the linger and has nothing
     * left to commit. Checked after a load (a room may be loaded by HTTP calls alone) and after
     * the last member leaves; the check repeats until the room goes or a member is back, whose
     * leave checks again.
     */
    void scheduleEviction(long delayNanos) {
        context.scheduler().schedule(this::evictIfIdle, Math.max(delayNanos, 0), TimeUnit.NANOSECONDS);
    }

    private void evictIfIdle() {
        executor.execute(() -> {
            if (!open || !members.isEmpty()) {
                return;
            }
            long linger = context.settings().emptyRoomLinger().toNanos();
            long idle = System.nanoTime() - lastUsedNanos;
            if (idle < linger) {
                scheduleEviction(linger - idle);
            } else if (commits.isIdle() && (shared == null || shared.isIdle())) {
                close();
            } else {
                scheduleEviction(BUSY_EVICTION_RETRY_NANOS); // an op still commits: not for long
            }
        });
    }

    /**
     * A failed commit means memory is ahead of disk, and an error in a task may have left the
     * room half changed: drop the room so it reloads from the store; its members resume.
     */
    void fail(Throwable failure) {
        if (!open) {
            return;
        }
        LOG.error("room {} failed; it leaves memory and its members are closed with 1013 to resume", name, failure);
        for (Member m : members.all()) {
            members.remove(m);
            m.peer().outbox().abort(CloseCode.TRY_AGAIN_LATER, "room failure, resume");
        }
        close();
    }

    private void close() {
        open = false;
        context.memory().adjust(-weight);
        weight = 0;
        commits.abandon();
        if (shared != null) {
            shared.abandon();
        }
        context.onClosed().accept(this);
    }

    void requireMember(Member member) {
        if (!member.isDetached() && !members.contains(member)) {
            throw new ProtocolException(ErrorCode.NOT_JOINED, "not a member of room " + name);
        }
    }

    /**
     * The others' last known cursors, moved to the head revision, for a member who just joined.
     * A moved cursor is kept at the head, so each op is walked at most once per cursor however
     * many members join.
     */
    private List<String> cursorsAtHead(Member joiner) {
        List<String> frames = new ArrayList<>();
        long head = history.headRev();
        for (Member m : members.withCursors(joiner)) {
            if (history.covers(m.cursorRev)) {
                if (m.cursorRev != head) {
                    m.cursor = history.moveToHead(m.cursorRev, m.cursor);
                    m.cursorRev = head;
                }
                frames.add(ServerMessages.cursor(name, m.info().clientId(), head, m.cursor));
            }
        }
        if (presence != null) {
            frames.addAll(presence.cursorsAtHead());
        }
        return frames;
    }

    /**
     * Runs on the room's executor; a room that has closed answers {@link RoomGone}. An
     * {@link Error} (out of memory, say) may have struck halfway through changing the room, so the
     * room is dropped to reload from the store, and the message is answered {@code internal}.
     */
    private <T> CompletableFuture<T> onExecutor(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> run(work, result));
        return result;
    }

    /** The same, on the calling thread if the room is idle ({@link SerialExecutor#executeHere}). */
    private <T> CompletableFuture<T> onExecutorHere(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.executeHere(() -> run(work, result));
        return result;
    }

    /** With a shared log, waits until no batch is in flight, so no reply shows an op rolled back later. */
    private <T> void run(Supplier<T> work, CompletableFuture<T> result) {
        if (!open) {
            result.completeExceptionally(new RoomGone(name));
            return;
        }
        if (shared != null && !shared.settled()) {
            shared.defer(() -> run(work, result));
            return;
        }
        try {
            result.complete(work.get());
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        } catch (Error e) {
            result.completeExceptionally(e);
            fail(e);
        }
    }

    /** Members right now; safe to read from any thread. */
    /** Ops applied here since the room was loaded, of every instance; read from any thread. */
    public long opsApplied() {
        return opsApplied;
    }

    public int memberCount() {
        return members.count();
    }
}
