package dev.livepad.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe {@link DocumentStore} kept in memory, for tests and benchmarks; it follows the
 * same revision checks and snapshot retention as {@link SqliteDocumentStore} but forgets all on exit.
 *
 * <p>Appends return futures that are already complete, so their callbacks run on the calling thread.
 */
public final class InMemoryDocumentStore implements DocumentStore {

    /** Guards name uniqueness; each room's log is guarded by its own {@link RoomLog} monitor. */
    private final Map<String, RoomLog> roomsByName = new HashMap<>();
    private final Map<String, RoomLog> roomsById = new ConcurrentHashMap<>();
    private final Map<String, String> settings = new ConcurrentHashMap<>();
    private volatile boolean closed;

    @Override
    public boolean createRoom(RoomRecord room) {
        Objects.requireNonNull(room.name(), "name");
        Objects.requireNonNull(room.id(), "id");
        checkOpen();
        synchronized (roomsByName) {
            if (roomsByName.containsKey(room.name()) || roomsById.containsKey(room.id())) {
                return false;
            }
            RoomLog created = new RoomLog(room);
            roomsByName.put(room.name(), created);
            roomsById.put(room.id(), created);
            return true;
        }
    }

    @Override
    public Optional<RoomRecord> findRoom(String name) {
        checkOpen();
        synchronized (roomsByName) {
            RoomLog room = roomsByName.get(name);
            return room == null ? Optional.empty() : Optional.of(room.record);
        }
    }

    @Override
    public OptionalLong nextTokenGeneration(String name, String roomId, long current) {
        checkOpen();
        synchronized (roomsByName) {
            RoomLog room = roomsByName.get(name);
            if (room == null || !room.record.id().equals(roomId) || room.record.tokenGen() != current) {
                return OptionalLong.empty();
            }
            RoomRecord r = room.record;
            room.record = new RoomRecord(r.name(), r.id(), r.createdAtMillis(), r.tokenGen() + 1);
            return OptionalLong.of(room.record.tokenGen());
        }
    }

    @Override
    public boolean deleteRoom(String name, String roomId) {
        checkOpen();
        RoomLog room;
        synchronized (roomsByName) {
            room = roomsByName.get(name);
            if (room == null || !room.record.id().equals(roomId)) {
                return false;
            }
            roomsByName.remove(name);
            roomsById.remove(roomId);
        }
        synchronized (room) {
            // Appends that already looked the room up must see it gone rather than write into it.
            room.deleted = true;
            room.ops.clear();
            room.snapshots.clear();
        }
        return true;
    }

    @Override
    public long roomCount() {
        checkOpen();
        synchronized (roomsByName) {
            return roomsByName.size();
        }
    }

    @Override
    public void load(String roomId, int historyOps, LoadSink sink) {
        LoadedDocument document = load(roomId, historyOps);
        sink.base(document.baseRev(), document.baseText());
        document.ops().forEach(sink::op);
    }

    @Override
    public LoadedDocument load(String roomId, int historyOps) {
        checkOpen();
        RoomLog room = liveRoom(roomId);
        synchronized (room) {
            if (room.deleted) {
                throw new StoreException("room " + roomId + " does not exist");
            }
            long baseRev;
            String baseText;
            Map.Entry<Long, String> snapshot = room.snapshots.floorEntry(Retention.baseLimit(room.head, historyOps));
            if (snapshot == null) {
                Long firstOp = room.ops.isEmpty() ? null : room.ops.firstKey();
                snapshot = Retention.startsFromEmpty(firstOp, !room.snapshots.isEmpty())
                        ? null : room.snapshots.firstEntry();
            }
            baseRev = snapshot == null ? 0 : snapshot.getKey();
            baseText = snapshot == null ? "" : snapshot.getValue();
            List<StoredOp> ops = new ArrayList<>(room.ops.tailMap(baseRev, false).values());
            return new LoadedDocument(baseRev, baseText, List.copyOf(ops));
        }
    }

    @Override
    public CompletableFuture<Void> append(String roomId, StoredOp op) {
        return appendAll(roomId, List.of(op));
    }

    /** All or none, under the room's monitor, so two instances sharing this store really conflict. */
    @Override
    public CompletableFuture<Void> appendAll(String roomId, List<StoredOp> ops) {
        return DocumentStore.map(appendRebasing(roomId, ops, null), appended -> null);
    }

    /** As PostgreSQL's store does it, under the room's monitor instead of its row lock. */
    @Override
    public CompletableFuture<Appended> appendRebasing(String roomId, List<StoredOp> ops, Rebaser rebaser) {
        ops.forEach(op -> Objects.requireNonNull(op.opJson(), "opJson"));
        if (closed) {
            return CompletableFuture.failedFuture(new StoreException("store is closed"));
        }
        RoomLog room = roomsById.get(roomId);
        if (room == null) {
            return CompletableFuture.failedFuture(new StoreException("room " + roomId + " does not exist"));
        }
        synchronized (room) {
            if (room.deleted) {
                return CompletableFuture.failedFuture(new StoreException("room " + roomId + " does not exist"));
            }
            List<StoredOp> theirs = List.of();
            List<StoredOp> stored = ops;
            long base = ops.isEmpty() ? room.head : ops.get(0).rev() - 1;
            if (base != room.head) {
                theirs = List.copyOf(room.ops.tailMap(base, false).values());
                boolean whole = base < room.head && theirs.size() == room.head - base;
                stored = whole && rebaser != null ? rebaser.rebase(ops, theirs) : null;
                if (stored == null) {
                    return CompletableFuture.failedFuture(new AppendConflict(roomId, ops.get(0).rev()));
                }
            }
            for (int i = 0; i < stored.size(); i++) {
                if (stored.get(i).rev() != room.head + 1 + i) {
                    return CompletableFuture.failedFuture(new AppendConflict(roomId, stored.get(i).rev()));
                }
            }
            for (StoredOp op : stored) {
                room.ops.put(op.rev(), op);
                room.head = op.rev();
            }
            return CompletableFuture.completedFuture(new Appended(theirs, stored));
        }
    }

    @Override
    public List<StoredOp> opsAfter(String roomId, long afterRev, int limit) {
        checkOpen();
        RoomLog room = liveRoom(roomId);
        synchronized (room) {
            return room.ops.tailMap(afterRev, false).values().stream().limit(limit).toList();
        }
    }

    @Override
    public Optional<Snapshot> snapshotAtOrBefore(String roomId, long rev) {
        checkOpen();
        RoomLog room = liveRoom(roomId);
        synchronized (room) {
            Map.Entry<Long, String> found = room.snapshots.floorEntry(rev);
            return found == null ? Optional.empty() : Optional.of(new Snapshot(found.getKey(), found.getValue()));
        }
    }

    @Override
    public Map<String, Long> heads(Collection<String> roomIds) {
        checkOpen();
        Map<String, Long> heads = new HashMap<>();
        for (String roomId : roomIds) {
            RoomLog room = roomsById.get(roomId);
            if (room != null) {
                synchronized (room) {
                    if (!room.deleted) {
                        heads.put(roomId, room.head);
                    }
                }
            }
        }
        return heads;
    }

    @Override
    public void saveSnapshot(String roomId, long rev, String text, int historyOps) {
        Objects.requireNonNull(text, "text");
        checkOpen();
        RoomLog room = liveRoom(roomId);
        synchronized (room) {
            if (room.deleted) {
                throw new StoreException("room " + roomId + " does not exist");
            }
            if (rev < 0 || rev > room.head) {
                throw new IllegalArgumentException(
                        "snapshot at revision " + rev + " of room " + roomId + " whose head is " + room.head);
            }
            room.snapshots.put(rev, text);
            Long base = room.snapshots.floorKey(Retention.baseLimit(room.head, historyOps));
            if (base != null) {
                room.snapshots.headMap(base, false).clear();
                room.ops.headMap(base, true).clear();
            }
        }
    }

    @Override
    public Optional<String> setting(String key) {
        checkOpen();
        return Optional.ofNullable(settings.get(key));
    }

    @Override
    public String putSettingIfAbsent(String key, String value) {
        Objects.requireNonNull(value, "value");
        checkOpen();
        String previous = settings.putIfAbsent(key, value);
        return previous == null ? value : previous;
    }

    @Override
    public void close() {
        closed = true;
    }

    private RoomLog liveRoom(String roomId) {
        RoomLog room = roomsById.get(roomId);
        if (room == null) {
            throw new StoreException("room " + roomId + " does not exist");
        }
        return room;
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("store is closed");
        }
    }

    /** One room's log; every field but the record is guarded by this object's monitor. */
    private static final class RoomLog {
        volatile RoomRecord record; // replaced under roomsByName's monitor
        final TreeMap<Long, StoredOp> ops = new TreeMap<>();
        final TreeMap<Long, String> snapshots = new TreeMap<>();
        long head;
        boolean deleted;

        RoomLog(RoomRecord record) {
            this.record = record;
        }
    }
}
