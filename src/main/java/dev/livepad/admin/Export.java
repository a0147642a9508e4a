package dev.livepad.admin;

import dev.livepad.Config;
import dev.livepad.protocol.Json;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ServerMessages;
import dev.livepad.room.StoredText;
import dev.livepad.store.RoomRecord;
import dev.livepad.store.SqliteDocumentStore;
import dev.livepad.store.SqliteFileReader;
import dev.livepad.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * {@code export DIR}: every room's current text, one UTF-8 file per room, into DIR, a new
 * directory, with {@value #INDEX} mapping room names to files and revisions. Read-only and
 * without the directory lock, so it runs beside the server; each room is read in one read
 * transaction and replayed as the server replays it, so a file holds exactly the text a client
 * joining at that revision is given.
 */
final class Export {
    static final String INDEX = "rooms.json";

    /** Whatever the server's current limits, read back every op it ever stored. */
    private static final int ANY_OP_COMPONENTS = Integer.MAX_VALUE;

    private Export() {
    }

    static void run(Config config, Path dir, PrintStream out) throws IOException {
        MessageCodec codec = new MessageCodec(Json.TRUSTED, ANY_OP_COMPONENTS);
        Path published;
        int exported = 0;
        try (SqliteFileReader reader = SqliteFileReader.open(config.dataDir().resolve(SqliteDocumentStore.FILE_NAME));
             StagedDirectory staged = StagedDirectory.beside(dir)) {
            StringBuilder index = new StringBuilder("{\"exportedAt\":\"" + Instant.now() + "\",\"rooms\":[");
            for (RoomRecord room : reader.rooms()) {
                StoredText text;
                try {
                    text = StoredText.replay(codec, sink -> reader.load(room.id(), sink));
                } catch (StoreException e) {
                    if (reader.heads(List.of(room.id())).isEmpty()) {
                        continue; // deleted since the rooms were listed
                    }
                    throw e;
                }
                String file = fileName(++exported, room.name());
                Files.writeString(staged.path().resolve(file), text.text(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW);
                index.append(exported == 1 ? "\n" : ",\n")
                        .append("{\"name\":").append(ServerMessages.jsonString(room.name()))
                        .append(",\"file\":").append(ServerMessages.jsonString(file))
                        .append(",\"rev\":").append(text.rev()).append('}');
            }
            index.append("\n]}\n");
            Files.writeString(
                    staged.path().resolve(INDEX), index, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            staged.publish();
            published = dir.toAbsolutePath().normalize();
        }
        out.printf("exported %,d rooms to %s (%s lists them)%n", exported, published, INDEX);
    }

    /**
     * {@code 0001-notes.txt}: numbered, so names that differ only in case stay apart on file systems
     * that ignore case, and no file is hidden, looks like an option, or is a reserved device name;
     * then the room's name, with any character outside the rule for names (RoomNames) replaced.
     */
    static String fileName(int number, String roomName) {
        String safe = roomName.replaceAll("[^A-Za-z0-9._-]", "_");
        return String.format("%04d-%s.txt", number, safe.length() > 64 ? safe.substring(0, 64) : safe);
    }
}
