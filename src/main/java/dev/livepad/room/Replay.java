package dev.livepad.room;

import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.Rope;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ServerMessages.HistoryOp;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.RoomRecord;
import dev.livepad.store.StoredOp;

/**
 * Rebuilds a room's text and history from its stored log as the store streams it, one op at a
 * time: each op's JSON is dropped once applied, and the history keeps only what its bounds
 * allow, so a room loads in the memory a live room of it would hold, and in time that grows
 * with the ops, not with the ops times the text (see {@link Rope}).
 */
final class Replay implements DocumentStore.LoadSink {
    private final MessageCodec codec;
    private final RoomSettings settings;
    private Rope text;
    private History history;

    Replay(MessageCodec codec, RoomSettings settings) {
        this.codec = codec;
        this.settings = settings;
    }

    @Override
    public void base(long rev, String baseText) {
        text = Rope.of(baseText);
        history = new History(settings.historyOps(), settings.historyMaxBytes(), rev);
    }

    @Override
    public void op(StoredOp stored) {
        TextOperation op = codec.decodeStoredOp(stored.opJson());
        try {
            text = op.apply(text);
        } catch (InvalidOperationException e) {
            throw new IllegalStateException("stored op " + stored.rev() + " does not apply: " + e.getMessage(), e);
        }
        history.add(new HistoryOp(stored.rev(), op, stored.clientId(), stored.opId()), stored.fingerprint(),
                stored.opJson().length());
    }

    /** The text and head revision replayed, for tools that want no room. */
    StoredText stored() {
        if (history == null) {
            throw new IllegalStateException("the store gave no base");
        }
        return new StoredText(history.headRev(), text.toString());
    }

    Room room(RoomRecord record, RoomContext context) {
        if (history == null) {
            throw new IllegalStateException("the store gave no base for room " + record.name());
        }
        context.memory().admit(record.name(), MemoryBudget.weight(text.length(), history));
        return new Room(record.name(), record.id(), record.tokenGen(), text, history, context);
    }
}
