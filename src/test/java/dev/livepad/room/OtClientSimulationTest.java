package dev.livepad.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.ot.InvalidOperationException;
import dev.livepad.ot.OtClient;
import dev.livepad.ot.RandomOps;
import dev.livepad.ot.Rope;
import dev.livepad.ot.Seeded;
import dev.livepad.ot.TextOperation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Like ot.js's client test: several clients edit concurrently against the server's own {@link DocumentCore}. Each link
 * is FIFO, but which link delivers next is random, so acknowledgements and remote ops interleave with local edits
 * arbitrarily.
 */
class OtClientSimulationTest {
    private static final int RUNS = Math.max(1, Seeded.CASES / 5);
    private static final int STEPS = 80;

    /** What a client sends: its op and the server revision it is based on. */
    private record Submission(long revision, TextOperation op) {
    }

    /** What the server sends a client: an acknowledgement of its own op, or another client's op. */
    private record Delivery(boolean ack, TextOperation op) {
    }

    /** The server: the room's document core, broadcasting what it applied. */
    private static final class Server {
        final DocumentCore core;
        private int nextId;

        Server(String doc) {
            core = new DocumentCore("sim", Rope.of(doc), new History(Integer.MAX_VALUE, Long.MAX_VALUE, 0),
                    Integer.MAX_VALUE);
        }

        void receive(int sender, Submission submission, List<Peer> peers) {
            String id = "op-" + nextId++;
            TextOperation op = core.apply("c" + sender, id, submission.revision(), submission.op(),
                    OpFingerprint.of(submission.revision(), submission.op())).entry().op();
            for (int i = 0; i < peers.size(); i++) {
                peers.get(i).inbox.add(new Delivery(i == sender, op));
            }
        }
    }

    /** A client plus its two FIFO links to and from the server. */
    private static final class Peer {
        final OtClient client;
        final Queue<Submission> outbox = new ArrayDeque<>();
        final Queue<Delivery> inbox = new ArrayDeque<>();

        Peer(String doc) {
            client = new OtClient(0, doc);
        }

        void edit(Random random) {
            TextOperation op = RandomOps.op(random, client.text());
            client.applyLocal(op).ifPresent(this::send);
        }

        void receive() {
            Delivery delivery = inbox.remove();
            if (delivery.ack()) {
                client.serverAck().ifPresent(this::send);
            } else {
                client.applyServer(delivery.op());
            }
        }

        private void send(TextOperation op) {
            outbox.add(new Submission(client.revision(), op));
        }
    }

    @Test
    void clients_converge_when_messages_interleave_randomly() {
        Seeded.check(RUNS, random -> {
            String initial = RandomOps.text(random, 10);
            Server server = new Server(initial);
            List<Peer> peers = new ArrayList<>();
            for (int i = 2 + random.nextInt(2); i > 0; i--) {
                peers.add(new Peer(initial));
            }
            for (int step = 0; step < STEPS; step++) {
                Peer peer = peers.get(random.nextInt(peers.size()));
                if (random.nextInt(3) == 0) {
                    peer.edit(random);
                } else {
                    deliverOne(random, server, peers);
                }
            }
            while (deliverOne(random, server, peers)) {
                // drain every link
            }
            for (Peer peer : peers) {
                assertEquals(server.core.text(), peer.client.text());
                assertEquals(server.core.history().headRev(), peer.client.revision());
                assertTrue(peer.client.isSynchronized());
            }
        });
    }

    /** Delivers the next message on one random non-empty link; false once every link is empty. */
    private static boolean deliverOne(Random random, Server server, List<Peer> peers) throws InvalidOperationException {
        List<Integer> links = new ArrayList<>(); // 2 * peer for server-to-client, 2 * peer + 1 for client-to-server
        for (int i = 0; i < peers.size(); i++) {
            if (!peers.get(i).inbox.isEmpty()) {
                links.add(2 * i);
            }
            if (!peers.get(i).outbox.isEmpty()) {
                links.add(2 * i + 1);
            }
        }
        if (links.isEmpty()) {
            return false;
        }
        int link = links.get(random.nextInt(links.size()));
        Peer peer = peers.get(link / 2);
        if (link % 2 == 0) {
            peer.receive();
        } else {
            server.receive(link / 2, peer.outbox.remove(), peers);
        }
        return true;
    }
}
