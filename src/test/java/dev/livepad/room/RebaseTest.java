package dev.livepad.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.ot.OtClient;
import dev.livepad.ot.Rope;
import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.Json;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.protocol.ServerMessages;
import dev.livepad.store.StoredOp;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.RandomEdits;
import dev.livepad.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two instances' batches made at the same revision: one stores its ops first, the other's batch
 * is rebased past them by {@link Rebase}. Every client of the losing batch, running the ot.js
 * client algorithm, must end with the text the log replays to. Seeded ({@link Seeds}): {@code -Dseed=N}.
 */
class RebaseTest {
    private static final MessageCodec CODEC = new MessageCodec(Json.mapper(1 << 20), 10_000);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void clients_of_a_rebased_batch_converge_on_the_log() throws Exception {
        long seed = Seeds.seed(1_305L);
        Random random = new Random(seed);
        Seeds.replayable(RebaseTest.class, seed, () -> {
            for (int round = 0; round < 500; round++) {
                round(random);
            }
        });
    }

    private static void round(Random random) throws Exception {
        String base = "";
        for (int i = random.nextInt(4); i > 0; i--) {
            base = RandomEdits.next(random, base).apply(base);
        }
        // The winners: another instance's ops, each made at the base by its own client.
        List<StoredOp> theirs = batch(random, base, 1 + random.nextInt(3), "b", null);
        // The losers: this instance's ops, also each made at the base by its own client.
        List<TextOperation> clientOps = new ArrayList<>();
        List<TextOperation> bases = new ArrayList<>();
        List<StoredOp> mine = batch(random, base, 1 + random.nextInt(3), "a", clientOps);
        bases.addAll(clientOps); // made at the committed head: nothing to transform past yet

        List<StoredOp> rebased = new Rebase(CODEC, bases).rebase(mine, theirs);
        String log = base;
        for (StoredOp op : theirs) {
            log = parse(op).apply(log);
        }
        for (StoredOp op : rebased) {
            log = parse(op).apply(log);
        }
        for (int i = 0; i < clientOps.size(); i++) {
            OtClient client = new OtClient(0, base);
            client.applyLocal(clientOps.get(i));
            for (StoredOp op : theirs) {
                client.applyServer(parse(op));
            }
            for (int j = 0; j < rebased.size(); j++) {
                if (j == i) {
                    client.serverAck();
                } else {
                    client.applyServer(parse(rebased.get(j)));
                }
            }
            assertEquals(log, client.text(), "client " + i + " of the rebased batch");
        }
    }

    /**
     * {@code count} ops of different clients, all made at {@code base}, as one instance orders
     * them: each transformed past the earlier ones of the batch. {@code clientOps} receives them
     * as their clients made them.
     */
    private static List<StoredOp> batch(Random random, String base, int count, String prefix,
                                        List<TextOperation> clientOps) {
        DocumentCore core = new DocumentCore("r", Rope.of(base), new History(100, Long.MAX_VALUE, 0), 1 << 20);
        List<StoredOp> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TextOperation op = RandomEdits.next(random, base);
            if (clientOps != null) {
                clientOps.add(op);
            }
            DocumentCore.Applied applied = core.apply(prefix + i, prefix + "-op-" + i, 0, op, 1, 0);
            ops.add(new StoredOp(applied.entry().rev(), applied.opJson(), prefix + "-op-" + i, prefix + i, 0, 1));
        }
        return ops;
    }

    @Test
    void a_retried_op_among_the_winners_is_declined() {
        StoredOp op = new StoredOp(1, ServerMessages.opJson(insert("x")), "same-id", "c1", 0, 1);
        assertNull(new Rebase(CODEC, List.of(insert("x"))).rebase(List.of(op), List.of(op)));
    }

    private static TextOperation insert(String text) {
        return CollabClient.parse(JSON.createArrayNode().add(text));
    }

    private static TextOperation parse(StoredOp op) throws Exception {
        return CollabClient.parse(JSON.readTree(op.opJson()));
    }
}
