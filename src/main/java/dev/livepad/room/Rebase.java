package dev.livepad.room;

import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ServerMessages;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.StoredOp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A room's batch transformed past the ops another instance stored first, inside the store's
 * transaction ({@link DocumentStore#appendRebasing}). Pure OT on the ops' JSON, with no room state,
 * so it may run on the store's writer thread: each of ours is transformed past every one of
 * theirs, and theirs past ours in turn, as ot.js transforms two sequences. The room then applies
 * theirs and ours as stored, in that order, exactly as the store holds them.
 */
final class Rebase implements DocumentStore.Rebaser {
    private final MessageCodec codec;

    Rebase(MessageCodec codec) {
        this.codec = codec;
    }

    /**
     * Declines (null) when one of theirs carries the id of one of ours: an op retried on another
     * instance that got there first. The room must then read it and recognise the retry by its
     * fingerprint, not store the op twice.
     */
    @Override
    public List<StoredOp> rebase(List<StoredOp> mine, List<StoredOp> theirs) {
        Set<String> theirIds = new HashSet<>();
        List<TextOperation> others = new ArrayList<>(theirs.size());
        for (StoredOp op : theirs) {
            theirIds.add(op.opId());
            others.add(codec.decodeStoredOp(op.opJson()));
        }
        long rev = theirs.get(theirs.size() - 1).rev() + 1;
        List<StoredOp> rebased = new ArrayList<>(mine.size());
        for (StoredOp op : mine) {
            if (theirIds.contains(op.opId())) {
                return null;
            }
            TextOperation ours = codec.decodeStoredOp(op.opJson());
            for (int i = 0; i < others.size(); i++) {
                TextOperation.Transformed t = TextOperation.transform(ours, others.get(i));
                ours = t.aPrime();
                others.set(i, t.bPrime());
            }
            rebased.add(new StoredOp(rev++, ServerMessages.opJson(ours), op.opId(), op.clientId(), op.timeMillis(),
                    op.fingerprint()));
        }
        return rebased;
    }
}
