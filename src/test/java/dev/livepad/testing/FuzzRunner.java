package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.FuzzProbe.Expect;
import dev.livepad.testing.FuzzProbe.Who;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Sends fuzz probes on the fuzz test's connections and judges every reply: the demanded type and
 * error code, the room and ref echoed where the frame named them, a message fit for a user (no
 * stack trace), and the connection still open. Other members' traffic (ops, presence, cursors) is
 * passed to a per-connection handler. Mismatches are collected by kind, so one run reports every
 * kind of wrong answer rather than only the first.
 */
public final class FuzzRunner {
    private static final int EXAMPLES_PER_KIND = 3;

    private final Map<Who, FrameClient> clients = new EnumMap<>(Who.class);
    private final Map<Who, Consumer<JsonNode>> noise = new EnumMap<>(Who.class);
    private final Map<String, List<String>> mismatches = new TreeMap<>();
    private final Map<String, Integer> mismatchCounts = new TreeMap<>();
    private final Map<String, Integer> kindCounts = new TreeMap<>();
    public final AtomicLong framesSent = new AtomicLong();
    public final AtomicLong errorFramesExpected = new AtomicLong();
    public final AtomicLong errorsReceived = new AtomicLong();

    public void connection(Who who, FrameClient client, Consumer<JsonNode> otherTraffic) {
        clients.put(who, client);
        noise.put(who, otherTraffic);
    }

    public FrameClient client(Who who) {
        return clients.get(who);
    }

    /** Runs one case: each probe is built, sent, and (unless it expects nothing) its reply judged. */
    public void run(List<Supplier<FuzzProbe>> probes) {
        for (Supplier<FuzzProbe> next : probes) {
            FuzzProbe probe = next.get();
            send(probe);
            if (!Expect.NONE.equals(probe.expect().type())) {
                judge(probe, reply(probe.who(), probe));
            }
        }
    }

    public void send(FuzzProbe probe) {
        count(probe.kind());
        framesSent.incrementAndGet();
        if ("error".equals(probe.expect().type())) {
            errorFramesExpected.incrementAndGet();
        }
        if (HostileStrings.hasLoneSurrogate(probe.frame())) {
            throw new IllegalStateException("fuzzer bug: a frame that is not valid UTF-16 [" + probe.kind() + "] "
                    + FrameClient.clip(probe.frame()));
        }
        clients.get(probe.who()).send(probe.frame());
    }

    /**
     * Sends all probes without waiting, then matches each reply to its probe by {@code ref}: replies
     * to one connection's frames may interleave, but each frame gets exactly one.
     */
    public void runPipelined(Who who, List<FuzzProbe> probes) {
        Map<String, FuzzProbe> byRef = new HashMap<>();
        for (FuzzProbe probe : probes) {
            if (byRef.put(probe.expect().ref(), probe) != null) {
                throw new IllegalStateException("pipelined probes need unique refs: " + probe.expect().ref());
            }
            send(probe);
        }
        for (int i = 0; i < probes.size(); i++) {
            JsonNode reply = reply(who, null);
            FuzzProbe probe = byRef.remove(reply.path("ref").asText(null));
            if (probe == null) {
                mismatch(
                        "pipelined",
                        "a reply matching no frame sent (or a second one): " + FrameClient.clip(reply.toString()));
            } else {
                judge(probe, reply);
            }
        }
        byRef.values().forEach(p -> mismatch(p.kind(), p.who() + " sent " + FrameClient.clip(p.frame())
                + "\n      and got no reply naming its ref"));
    }

    /** The next reply on a connection, handing other members' traffic to its handler. */
    public JsonNode reply(Who who, FuzzProbe probe) {
        FrameClient client = clients.get(who);
        while (true) {
            JsonNode m;
            try {
                m = client.next();
            } catch (AssertionError e) {
                throw new AssertionError(who + " got no reply" + (probe == null ? "" : " to [" + probe.kind() + "] "
                        + FrameClient.clip(probe.frame())) + ": " + e.getMessage(), e);
            }
            if (isTraffic(m)) {
                handle(who, m);
            } else {
                if ("error".equals(m.path("type").asText())) {
                    errorsReceived.incrementAndGet();
                }
                return m;
            }
        }
    }

    /** Waits for a message of others' traffic matching {@code wanted}; a reply meanwhile is a mismatch. */
    public JsonNode awaitTraffic(Who who, Predicate<JsonNode> wanted, String what) {
        FrameClient client = clients.get(who);
        while (true) {
            JsonNode m;
            try {
                m = client.next();
            } catch (AssertionError e) {
                throw new AssertionError(who + " never saw " + what + ": " + e.getMessage(), e);
            }
            if (wanted.test(m)) {
                return m;
            } else if (isTraffic(m)) {
                handle(who, m);
            } else {
                unexpected(who, m);
            }
        }
    }

    /** Handles whatever has already arrived on a connection. */
    public void drain(Who who) {
        for (JsonNode m = clients.get(who).poll(); m != null; m = clients.get(who).poll()) {
            if (isTraffic(m)) {
                handle(who, m);
            } else {
                unexpected(who, m);
            }
        }
    }

    private static boolean isTraffic(JsonNode m) {
        String type = m.path("type").asText();
        return "op".equals(type) || "presence".equals(type) || "cursor".equals(type);
    }

    private void handle(Who who, JsonNode m) {
        try {
            noise.get(who).accept(m);
        } catch (AssertionError e) {
            mismatch("others-traffic", who + ": " + e.getMessage());
        }
    }

    private void unexpected(Who who, JsonNode m) {
        if ("error".equals(m.path("type").asText())) {
            errorsReceived.incrementAndGet();
        }
        mismatch("unexpected-message", who + " received a message nobody asked for: " + FrameClient.clip(m.toString()));
    }

    private void judge(FuzzProbe probe, JsonNode reply) {
        Expect expect = probe.expect();
        String type = reply.path("type").asText();
        if ("error".equals(type)) {
            checkMessage(probe, reply);
        }
        String problem = null;
        if (!expect.type().equals(type)) {
            problem = "expected " + expect + " but got " + FrameClient.clip(reply.toString());
        } else if (expect.code() != null && !expect.code().equals(reply.path("code").asText())) {
            problem = "expected " + expect + " but got " + FrameClient.clip(reply.toString());
        } else if (expect.room() != null && !expect.room().equals(reply.path("room").asText(null))) {
            problem = "error.room should be " + FrameClient.clip(expect.room()) + ": "
                    + FrameClient.clip(reply.toString());
        } else if (expect.ref() != null && !expect.ref().equals(reply.path("ref").asText(null))) {
            problem =
                    "error.ref should be " + FrameClient.clip(expect.ref()) + ": " + FrameClient.clip(reply.toString());
        } else if (expect.check() != null) {
            try {
                expect.check().accept(reply);
            } catch (AssertionError e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            mismatch(probe.kind(), probe.who() + " sent " + FrameClient.clip(probe.frame()) + "\n      " + problem);
        }
    }

    private void checkMessage(FuzzProbe probe, JsonNode error) {
        String message = error.path("message").asText("");
        if (message.isEmpty() || message.contains("Exception") || message.contains("\tat ")
                || message.contains("dev.livepad") || message.contains("/work/") || message.length() > 1000) {
            mismatch("error-message", "error message unfit for a client (" + probe.kind() + "): "
                    + FrameClient.clip(message));
        }
    }

    public synchronized void mismatch(String kind, String example) {
        mismatchCounts.merge(kind, 1, Integer::sum);
        List<String> examples = mismatches.computeIfAbsent(kind, k -> new ArrayList<>());
        if (examples.size() < EXAMPLES_PER_KIND) {
            examples.add(FrameClient.visible(example).replace("\\u000a", "\n"));
        }
    }

    /** Counts a case run outside {@link #run} (a throwaway connection), for the report. */
    public void tally(String kind) {
        count(kind);
    }

    /** Handles a connection's traffic until {@code done}; a reply meanwhile is a mismatch. */
    public void pumpUntil(Who who, java.util.function.BooleanSupplier done, String what) {
        while (!done.getAsBoolean()) {
            JsonNode m;
            try {
                m = clients.get(who).next();
            } catch (AssertionError e) {
                throw new AssertionError(who + ": " + what + ": " + e.getMessage(), e);
            }
            if (isTraffic(m)) {
                handle(who, m);
            } else {
                unexpected(who, m);
            }
        }
    }

    private synchronized void count(String kind) {
        kindCounts.merge(kind, 1, Integer::sum);
    }

    public synchronized boolean clean() {
        return mismatches.isEmpty();
    }

    /** Every kind of wrong answer, how often, with a few examples. */
    public synchronized String mismatchReport() {
        StringBuilder out = new StringBuilder();
        mismatches.forEach((kind, examples) -> {
            out.append("\n  [").append(kind).append("] ").append(mismatchCounts.get(kind)).append(" of ")
                    .append(kindCounts.getOrDefault(kind, 0)).append(" probes wrong, e.g.");
            examples.forEach(e -> out.append("\n    - ").append(e));
        });
        return out.toString();
    }

    public synchronized String kindReport() {
        return kindCounts.toString();
    }
}
