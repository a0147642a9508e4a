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
 * transaction ({@link DocumentStore#appendRebasing}). Pure OT with no room state, so it may run on
 * the store's writer thread.
 *
 * <p>The order matters, because text operations only converge along one order of transforms
 * (ot.js has TP1, not TP2): each op must be transformed exactly as if it had arrived after the
 * winners, the way its sender's client will transform it. So each starts from its form past the
 * committed ops only ({@code bases}, before it was transformed past the batch's earlier ops), and
 * is transformed past every winner and then past the batch's earlier ops as rebased. Transforming
 * the batch as a whole past the winners would order some ties differently from the clients and
 * split their texts apart (a test caught exactly that).
 */
final class Rebase implements DocumentStore.Rebaser {
    private final MessageCodec codec;
    private final List<TextOperation> bases;

    /** {@code bases}: the batch's ops, each transformed past the committed ops only, in batch order. */
    Rebase(MessageCodec codec, List<TextOperation> bases) {
        this.codec = codec;
        this.bases = bases;
    }

    /**
     * Declines (null) when one of theirs carries the id of one of ours: an op retried on another
     * instance that got there first. The room must then read it and recognise the retry by its
     * fingerprint, not store the op twice.
     */
    @Override
    public List<StoredOp> rebase(List<StoredOp> mine, List<StoredOp> theirs) {
        if (mine.size() != bases.size()) {
            return null;
        }
        Set<String> theirIds = new HashSet<>();
        List<TextOperation> before = new ArrayList<>(theirs.size() + mine.size());
        for (StoredOp op : theirs) {
            theirIds.add(op.opId());
            before.add(codec.decodeStoredOp(op.opJson()));
        }
        long rev = theirs.get(theirs.size() - 1).rev() + 1;
        List<StoredOp> rebased = new ArrayList<>(mine.size());
        for (int i = 0; i < mine.size(); i++) {
            StoredOp op = mine.get(i);
            if (theirIds.contains(op.opId())) {
                return null;
            }
            TextOperation ours = bases.get(i);
            for (TextOperation earlier : before) {
                ours = TextOperation.transform(ours, earlier).aPrime();
            }
            before.add(ours);
            rebased.add(new StoredOp(rev++, ServerMessages.opJson(ours), op.opId(), op.clientId(), op.timeMillis(),
                    op.fingerprint(), op.name()));
        }
        return rebased;
    }
}
