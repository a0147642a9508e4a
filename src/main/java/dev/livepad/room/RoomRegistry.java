package dev.livepad.room;

import dev.livepad.cluster.RoomBus;
import dev.livepad.history.Revisions;
import dev.livepad.metrics.Sampler;
import dev.livepad.metrics.ServerStats;
import dev.livepad.ot.Diff;
import dev.livepad.ot.Rope;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.ClientMessage;
import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ProtocolException;
import dev.livepad.protocol.Role;
import dev.livepad.protocol.ServerMessages.HistoryOp;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.RoomRecord;
import dev.livepad.store.StoreException;
import dev.livepad.store.StoredOp;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms of one server: creates and deletes them in the store, keeps the rooms with members
 * in memory, loads a room on demand (never serving a room that failed to load as empty), and
 * lets an empty room go once everything it applied is committed.
 */
public final class RoomRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RoomRegistry.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long BUS_WAIT_SECONDS = 3;
    private static final long LOAD_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int RESUME_PAGE = 500;
    /** A resumed op's wire bytes beyond its components: rev, clientId, id and the JSON around them. */
    private static final int RESUME_OP_OVERHEAD = 80;

    private final DocumentStore store;
    private final MessageCodec codec;
    private final RoomContext context;
    private final ConcurrentHashMap<String, Room> live = new ConcurrentHashMap<>();
    private final ClusterLink cluster; // null for a single process
    private final Map<Room, RoomBus.Subscription> subscriptions = new ConcurrentHashMap<>();
    /** Rooms with a subscription attempt in flight ({@link #resubscribe}). */
    private final Set<Room> resubscribing = ConcurrentHashMap.newKeySet();
    /**
     * Striped locks a load and a revocation of the same name both take ({@link #loadLock}).
     * {@code computeIfAbsent} alone already loads a name once, but a revocation is not a map
     * operation and cannot wait for a load in flight, which would bring the room live with the
     * generation it read before the revocation. Striped, so names (unbounded) need no lock each.
     */
    private final Object[] loadLocks = new Object[64];
    private final Revisions revisions;
    private final AtomicLong nextEditor = new AtomicLong();
    private final String clientIdPrefix;

    public RoomRegistry(DocumentStore store, MessageCodec codec, RoomSettings settings, ServerStats stats,
                        MemoryBudget memory, Executor pool, ExecutorService snapshots,
                        ScheduledExecutorService scheduler, ClusterLink cluster) {
        this.store = store;
        this.codec = codec;
        this.cluster = cluster;
        this.revisions = new Revisions(store, codec);
        this.context = new RoomContext(store, pool, snapshots, scheduler, settings, stats, memory,
                this::closed, cluster);
        if (cluster != null) {
            long heads = cluster.headCheckEvery().toMillis();
            scheduler.scheduleWithFixedDelay(() -> cluster.io().execute(this::checkHeads), heads, heads,
                    TimeUnit.MILLISECONDS);
            long presence = cluster.presenceEvery().toMillis();
            scheduler.scheduleWithFixedDelay(this::heartbeat, presence, presence, TimeUnit.MILLISECONDS);
            cluster.bus().ifPresent(bus -> bus.onReconnect(() -> {
                live.values().forEach(r -> r.execute(r::resync));
                resubscribe();
            }));
        }
        this.clientIdPrefix = (cluster == null ? "" : cluster.instanceId() + "-")
                + Long.toString(RANDOM.nextLong() >>> 34, 36) + "-c";
        for (int i = 0; i < loadLocks.length; i++) {
            loadLocks[i] = new Object();
        }
    }

    private void closed(Room room) {
        live.remove(room.name(), room);
        RoomBus.Subscription subscription = subscriptions.remove(room);
        if (subscription != null) {
            subscription.cancel();
        }
    }

    /**
     * Compares every loaded room's head with the store's, in one query: a room behind it missed
     * an op whose bus message was lost (the last op of a burst leaves no gap to notice), and a
     * room missing from the answer was deleted on another instance.
     */
    private void checkHeads() {
        if (live.isEmpty()) {
            return;
        }
        List<Room> rooms = List.copyOf(live.values());
        Map<String, Long> heads;
        try {
            heads = store.heads(rooms.stream().map(Room::id).toList());
        } catch (RuntimeException e) {
            LOG.warn("cannot check room heads in the store: {}", e.toString());
            return;
        }
        for (Room room : rooms) {
            Long head = heads.get(room.id());
            room.execute(() -> room.storeHead(head == null ? OptionalLong.empty() : OptionalLong.of(head)));
        }
    }

    private void heartbeat() {
        long deadline = System.nanoTime() - cluster.presenceExpiry().toNanos();
        live.values().forEach(room -> room.execute(() -> room.heartbeat(deadline)));
        resubscribe();
    }

    /**
     * Subscribes the loaded rooms that have no subscription, because they loaded while the bus
     * was down, and then catches each up from the store. Without it such a room would hear the
     * other instances' ops only from the head check, and their members and cursors never. From
     * the bus's reconnect and from every heartbeat; a failed attempt is tried at the next.
     */
    private void resubscribe() {
        RoomBus bus = cluster.bus().orElse(null);
        if (bus == null || !bus.isUp()) {
            return;
        }
        for (Room room : live.values()) {
            if (subscriptions.containsKey(room) || !resubscribing.add(room)) {
                continue;
            }
            bus.subscribe(ClusterLink.channel(room.name()), text -> onBus(room.name(), text))
                    .whenComplete((subscription, failure) -> {
                        resubscribing.remove(room);
                        if (failure != null) {
                            return;
                        }
                        if (subscriptions.putIfAbsent(room, subscription) != null) {
                            subscription.cancel();
                            return;
                        }
                        if (live.get(room.name()) != room) { // closed before its subscription was known
                            if (subscriptions.remove(room, subscription)) {
                                subscription.cancel();
                            }
                            return;
                        }
                        LOG.info("room {}: subscribed to the bus again", room.name());
                        room.execute(room::resync);
                    });
        }
    }

    /** Tells the other instances about a room, loaded here or not. */
    private void publish(RoomRecord record, BusMessage message) {
        if (cluster != null && cluster.bus().isPresent()) {
            cluster.bus().get().publish(ClusterLink.channel(record.name()), BusMessage.encode(cluster.json(), message))
                    .exceptionally(e -> null);
        }
    }

    /** Routes a bus message to the room it is about, if that incarnation is loaded here. */
    private void onBus(String name, String text) {
        BusMessage.decode(cluster.json(), text).ifPresent(message -> {
            Room room = live.get(name);
            if (room != null && room.id().equals(message.roomId())) {
                room.execute(() -> room.onBus(message));
            }
        });
    }

    /** Creates a room with a fresh incarnation id; {@code room_exists} if the name is taken. */
    public RoomRecord create(String name) {
        RoomRecord record = new RoomRecord(name, newRoomId(), System.currentTimeMillis());
        if (!store.createRoom(record)) {
            throw new ProtocolException(ErrorCode.ROOM_EXISTS, "a room named " + name + " already exists");
        }
        return record;
    }

    /**
     * The room's current incarnation, checked against the one a token names and the token
     * generation it was minted in: tokens of a deleted room or of a revoked generation are refused.
     */
    public RoomRecord require(String name, String roomId, long generation) {
        Room loaded = cluster == null ? live.get(name) : null; // in a cluster, revocations happen anywhere
        RoomRecord record = loaded != null && loaded.id().equals(roomId)
                ? new RoomRecord(name, roomId, 0, loaded.tokenGeneration())
                : current(name, roomId);
        requireGeneration(record.tokenGen(), generation);
        return record;
    }

    private RoomRecord current(String name, String roomId) {
        RoomRecord record = store.findRoom(name)
                .orElseThrow(() -> new ProtocolException(ErrorCode.NO_SUCH_ROOM, "no room named " + name));
        if (!record.id().equals(roomId)) {
            throw new ProtocolException(ErrorCode.INVALID_TOKEN, "the token is for a room that no longer exists");
        }
        return record;
    }

    private static void requireGeneration(long current, long generation) {
        if (generation < current) {
            throw new ProtocolException(ErrorCode.INVALID_TOKEN, "the token was revoked by the room's owner");
        }
    }

    /**
     * Starts a new token generation: every token minted before, owner's and invites alike, is
     * refused from now on. {@code record} carries the generation the caller's token was checked
     * against; if another revocation came first, that token is dead and this one is refused.
     * Returns the new generation, for the owner's fresh token.
     */
    public long revokeTokens(RoomRecord record) {
        synchronized (loadLock(record.name())) { // a load running now would keep the old generation
            long generation = store.nextTokenGeneration(record.name(), record.id(), record.tokenGen())
                    .orElseThrow(() -> store.findRoom(record.name())
                                    .filter(r -> r.id().equals(record.id()))
                                    .isPresent()
                            ? new ProtocolException(
                                    ErrorCode.INVALID_TOKEN, "the token was revoked by the room's owner")
                            : new ProtocolException(ErrorCode.NO_SUCH_ROOM, "no room named " + record.name()));
            Room room = live.get(record.name());
            if (room != null && room.id().equals(record.id())) {
                room.raiseTokenGeneration(generation);
            }
            publish(record, new BusMessage.Revoked(record.id(), instanceId(), generation));
            return generation;
        }
    }

    /**
     * Deletes the room; its members receive {@code closed} and its tokens stop working. Returns
     * once a loaded room has closed, so its memory is back in the budget when the caller hears
     * the room is gone (a join that follows the answer is not refused for memory it held).
     */
    public void delete(RoomRecord record) {
        if (!store.deleteRoom(record.name(), record.id())) {
            throw new ProtocolException(ErrorCode.NO_SUCH_ROOM, "no room named " + record.name());
        }
        Room room = live.get(record.name());
        if (room != null && room.id().equals(record.id())) {
            live.remove(record.name(), room);
            try {
                room.delete().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // already closed: nothing left to wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                LOG.warn("room {} took over 10 s to close after its deletion", record.name());
            }
        }
        publish(record, new BusMessage.Closed(record.id(), instanceId()));
    }

    private String instanceId() {
        return cluster == null ? "" : cluster.instanceId();
    }

    /**
     * Joins {@code peer} to the room, loading it if needed. The membership is claimed before this
     * returns, so later messages from the same connection queue behind the join.
     */
    public CompletableFuture<Void> join(Peer peer, String name, String roomId, long generation, String displayName,
                                        Role role, OptionalLong resumeRev, Optional<String> resumeId) {
        return join(peer, name, roomId, generation, displayName, role, resumeRev, resumeId, 0);
    }

    /** A room evicted between lookup and join answers {@link RoomGone}; load it afresh and retry. */
    private CompletableFuture<Void> join(Peer peer, String name, String roomId, long generation, String displayName,
                                         Role role, OptionalLong resumeRev, Optional<String> resumeId, int attempt) {
        Room room = liveRoom(name, roomId);
        requireGeneration(cluster == null ? room.tokenGeneration() : current(name, roomId).tokenGen(), generation);
        Member member = new Member(peer, room, displayName, role);
        if (!peer.claim(member)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "already joined room " + name + "; leave first");
        }
        return room.join(member, resumeRev, resumeId, olderOps(room, resumeRev, resumeId)).exceptionallyCompose(e -> {
            peer.release(member);
            return unwrap(e) instanceof RoomGone && attempt < 3
                    ? join(peer, name, roomId, generation, displayName, role, resumeRev, resumeId, attempt + 1)
                    : CompletableFuture.failedFuture(unwrap(e));
        });
    }

    /**
     * For a client resuming from before the ops the room keeps in memory: the ops after
     * {@code resumeRev} read from the store, up to where memory takes over, so that it is sent what
     * it missed instead of a reset. Empty (a reset follows) when memory covers the revision, when
     * {@code resumeId} names another op than the stored one (a restored backup reused the number),
     * when the ops would weigh more than the text they replace ({@link Room#resumeBudget}), or when
     * the store cannot be read. Runs on the joining thread, which may block; reads a page at a time.
     */
    private List<HistoryOp> olderOps(Room room, OptionalLong resumeRev, Optional<String> resumeId) {
        long floor = room.resumeFloor();
        if (resumeRev.isEmpty() || resumeRev.getAsLong() < 0 || resumeRev.getAsLong() >= floor) {
            return List.of();
        }
        long rev = resumeRev.getAsLong();
        long budget = room.resumeBudget();
        long last = rev == 0 ? 0 : rev - 1; // from the op that made rev, to check its id
        long bytes = 0;
        List<HistoryOp> ops = new ArrayList<>();
        try {
            while (last < floor) {
                List<StoredOp> page = store.opsAfter(room.id(), last, RESUME_PAGE);
                if (page.isEmpty() || page.get(0).rev() != last + 1) {
                    return List.of(); // pruned meanwhile, or a gap: the reset is the truthful answer
                }
                for (StoredOp stored : page) {
                    if (stored.rev() != last + 1) {
                        return List.of();
                    }
                    last = stored.rev();
                    if (last == rev) {
                        if (resumeId.isPresent() && !resumeId.get().equals(stored.opId())) {
                            return List.of();
                        }
                        continue;
                    }
                    bytes += stored.opJson().length() + RESUME_OP_OVERHEAD;
                    if (bytes > budget) {
                        return List.of();
                    }
                    ops.add(new HistoryOp(last, codec.decodeStoredOp(stored.opJson()), stored.clientId(),
                            stored.opId()));
                }
            }
        } catch (StoreException | IllegalStateException e) {
            LOG.warn("room {}: cannot read ops after revision {} to resume a client; it gets the text", room.name(),
                    rev, e);
            return List.of();
        }
        return ops;
    }

    public CompletableFuture<Void> submit(Member member, ClientMessage.Op op) {
        return gone(member.room().submit(member, op));
    }

    public CompletableFuture<Void> cursor(Member member, ClientMessage.Cursor cursor) {
        return gone(member.room().cursor(member, cursor));
    }

    /**
     * Leaves at once as far as the connection is concerned, so that a join it sends next is not
     * refused as a second membership; the room queues the leave ahead of that join, in order.
     */
    public CompletableFuture<Void> leave(Member member, boolean reply) {
        member.peer().release(member);
        return gone(member.room().leave(member, reply));
    }

    /** The current text of a room, loading it if needed; {@code unavailable} if it cannot be had in time. */
    public String text(RoomRecord record) {
        return onLiveRoom(record, "reading its text", Room::committedText).toString();
    }

    /** The rooms' history as stored: texts at old revisions, the list of revisions, authorship. */
    public Revisions revisions() {
        return revisions;
    }

    /**
     * Turns the room's text back into the text at revision {@code rev} with one new op by
     * {@code displayName}, which members receive like any edit; returns its revision once committed.
     */
    public long restore(RoomRecord record, long rev, String displayName, Role role) {
        String target = revisions.textAt(record.id(), rev).toString();
        return edit(record, displayName, role, text -> Diff.between(text, target));
    }

    /**
     * Applies {@code change} to the room's text as one op by an author outside any connection (a
     * client id of its own, listed nowhere), loading the room if needed; returns the op's
     * revision once it is committed, or fails with the protocol's code ({@code unavailable} if it
     * cannot be had in time).
     */
    public long edit(RoomRecord record, String displayName, Role role, Function<Rope, TextOperation> change) {
        return detached(record, displayName, role, (room, author) -> room.edit(author, "http-" + newRoomId(), change));
    }

    /**
     * Applies {@code op} as a member's op is applied (transformed from its revision, a retry of an
     * id acknowledged with its first revision), by an author outside any connection; returns its
     * revision once it is committed.
     */
    public long submitDetached(RoomRecord record, String displayName, Role role, ClientMessage.Op op) {
        return submitDetached(record, null, displayName, role, op);
    }

    /**
     * The same, authored as {@code clientId} (an event stream of the caller's, whose client then
     * sees its ops credited to itself) instead of a fresh id; null for a fresh one.
     */
    public long submitDetached(RoomRecord record, String clientId, String displayName, Role role,
                               ClientMessage.Op op) {
        return detached(record, clientId, displayName, role, (room, author) -> room.submitDetached(author, op));
    }

    private long detached(RoomRecord record, String displayName, Role role,
                          BiFunction<Room, Member, CompletableFuture<Long>> apply) {
        return detached(record, null, displayName, role, apply);
    }

    private long detached(RoomRecord record, String clientId, String displayName, Role role,
                          BiFunction<Room, Member, CompletableFuture<Long>> apply) {
        return onLiveRoom(record, "an HTTP edit", room -> apply.apply(room, Member.detached(room,
                clientId != null ? clientId : clientIdPrefix() + "h" + nextEditor.incrementAndGet(), displayName,
                role)));
    }

    /**
     * Runs {@code call} on the room, loading it if needed, and waits for its outcome: a room evicted
     * before the call ran (nothing was done) is loaded afresh and called again; a refusal comes out
     * with its code; anything else, or no answer within 10 s, is {@code unavailable}.
     */
    private <T> T onLiveRoom(RoomRecord record, String what, Function<Room, CompletableFuture<T>> call) {
        for (int attempt = 0; ; attempt++) {
            try {
                Room room = liveRoom(record.name(), record.id());
                room.used();
                return call.apply(room).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                Throwable cause = unwrap(e.getCause());
                if (cause instanceof RoomGone && attempt < 3) {
                    continue;
                }
                if (cause instanceof ProtocolException refused) {
                    throw refused;
                }
                LOG.warn("room {}: {} failed", record.name(), what, cause);
                throw unavailable(record.name());
            } catch (TimeoutException e) {
                throw unavailable(record.name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(record.name());
            }
        }
    }

    private static ProtocolException unavailable(String name) {
        return new ProtocolException(ErrorCode.UNAVAILABLE, "room " + name + " cannot be read right now");
    }

    public Optional<RoomRecord> find(String name) {
        return store.findRoom(name);
    }

    public long roomCount() {
        return store.roomCount();
    }

    /** Every loaded room's name, members here and ops applied, for the dashboard's busiest rooms. */
    public List<Sampler.RoomLoad> load() {
        List<Sampler.RoomLoad> load = new ArrayList<>(live.size());
        for (Room room : live.values()) {
            load.add(new Sampler.RoomLoad(room.name(), room.memberCount(), room.opsApplied()));
        }
        return load;
    }

    public int loadedRooms() {
        return live.size();
    }

    /**
     * What client ids start with: in a cluster the instance's id, so ids never clash across
     * instances, then a random word of this process, so an instance restarted with the same id
     * does not hand out the ids of its members from before (the other instances would take the
     * new members for the old ones, and the old ones would never leave).
     */
    public String clientIdPrefix() {
        return clientIdPrefix;
    }

    /** For /status in a cluster: this instance's id and the members of its loaded rooms on every instance. */
    public Map<String, Object> clusterStatus() {
        if (cluster == null) {
            return Map.of();
        }
        int members = live.values().stream().mapToInt(r -> r.memberCount() + r.remoteMemberCount()).sum();
        ServerStats stats = context.stats();
        return Map.of("instance", cluster.instanceId(), "clusterMembers", members,
                "bus", cluster.bus().map(b -> b.isUp() ? "up" : "down").orElse("none"),
                "appendConflicts", stats.appendConflicts.sum(), "appendsRebased", stats.appendsRebased.sum(),
                "logCatchUps", stats.logCatchUps.sum(),
                "remoteOpsApplied", stats.remoteOpsApplied.sum());
    }

    /** Whether the bus to the other instances is up; true when there is none to wait for. */
    public boolean busUp() {
        return cluster == null || cluster.bus().map(RoomBus::isUp).orElse(true);
    }

    public int activeRooms() {
        return (int) live.values().stream().filter(r -> r.memberCount() > 0).count();
    }

    private Room liveRoom(String name, String roomId) {
        Room room = live.get(name);
        if (room == null) {
            synchronized (loadLock(name)) { // not for computeIfAbsent: for revokeTokens, see loadLocks
                room = live.computeIfAbsent(name, n -> load(n, roomId));
            }
        }
        if (!room.id().equals(roomId)) {
            throw new ProtocolException(ErrorCode.INVALID_TOKEN, "the token is for a room that no longer exists");
        }
        return room;
    }

    /**
     * Serializes the load of a name with revocations of its tokens, so a room never goes live
     * with the generation from before a revocation that finished while it loaded.
     */
    private Object loadLock(String name) {
        return loadLocks[Math.floorMod(name.hashCode(), loadLocks.length)];
    }

    private Room load(String name, String roomId) {
        RoomRecord record = current(name, roomId);
        // Subscribed before reading the store, so an op committed after the read is on the bus.
        RoomBus.Subscription subscription = subscribe(name);
        Room room;
        try {
            Replay replay = new Replay(codec, context.settings());
            store.load(record.id(), context.settings().historyOps(), replay);
            room = replay.room(record, context);
        } catch (StoreException | IllegalStateException | OutOfMemoryError e) {
            if (subscription != null) {
                subscription.cancel();
            }
            // Out of memory here is this room's alone (its ops are dropped as it fails): log it,
            // refuse the room, and keep serving the others.
            LOG.error("room {} could not be loaded; refusing to serve it", name, e);
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "room " + name + " cannot be loaded right now");
        }
        if (subscription != null) {
            subscriptions.put(room, subscription);
            seedPresence(room);
        }
        // If no member comes (HTTP calls alone load rooms too); never before whoever loaded it had
        // the time to join, or a linger of 0 would evict it under every join.
        room.scheduleEviction(Math.max(context.settings().emptyRoomLinger().toNanos(), LOAD_GRACE_NANOS));
        return room;
    }

    /** Subscribes to the room's channel, waiting briefly; without it the head check still catches up. */
    private RoomBus.Subscription subscribe(String name) {
        if (cluster == null || cluster.bus().isEmpty()) {
            return null;
        }
        try {
            return cluster.bus().get().subscribe(ClusterLink.channel(name), text -> onBus(name, text))
                    .get(BUS_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("room {}: not subscribed to the bus ({}); it catches up from the store", name, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The members other instances have in the room now, so the first joiner here sees them. */
    private void seedPresence(Room room) {
        long since = System.currentTimeMillis() - cluster.presenceExpiry().toMillis();
        try {
            Map<String, String> fields = cluster.bus().get().readFields(ClusterLink.presenceKey(room.name()))
                    .get(BUS_WAIT_SECONDS, TimeUnit.SECONDS);
            room.execute(() -> room.seedRemote(fields, since));
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn(
                    "room {}: presence on other instances unknown until they repeat it: {}", room.name(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletableFuture<Void> gone(CompletableFuture<Void> future) {
        return future.exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e) instanceof RoomGone
                ? new ProtocolException(ErrorCode.NOT_JOINED, "the room was closed") : unwrap(e)));
    }

    static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String newRoomId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
