package dev.livepad.room;

import dev.livepad.protocol.MessageCodec;
import dev.livepad.store.DocumentStore;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A room's text at its head revision, rebuilt from the stored log by the same replay a server
 * loading the room runs, so it is the text a client joining that room is given. For tools that
 * read a store without serving it, such as the export command.
 */
public record StoredText(long rev, String text) {
    /** Replay keeps no more history than the newest op: only the text is wanted here. */
    private static final RoomSettings TEXT_ONLY = new RoomSettings(Integer.MAX_VALUE, 1, 0, Integer.MAX_VALUE,
            Duration.ZERO, 1, 0, 0);

    /**
     * Replays what {@code load} streams into the sink it is given: a base, then each op after it,
     * as {@link DocumentStore#load} does.
     *
     * @throws IllegalStateException when the store gives no base or a stored op does not apply
     */
    public static StoredText replay(MessageCodec codec, Consumer<DocumentStore.LoadSink> load) {
        Replay replay = new Replay(codec, TEXT_ONLY);
        load.accept(replay);
        return replay.stored();
    }
}
