package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A listener that keeps what it receives, for a test thread to wait on. */
final class Inbox implements Consumer<String> {
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final List<String> threads = new ArrayList<>();

    @Override
    public void accept(String message) {
        synchronized (threads) {
            threads.add(Thread.currentThread().getName());
        }
        messages.add(message);
    }

    /** The next message, failing after 10 s without one. */
    String next() throws InterruptedException {
        String message = messages.poll(10, TimeUnit.SECONDS);
        assertNotNull(message, "no message within 10 s");
        return message;
    }

    /** Asserts that the next messages are exactly {@code expected}, in that order. */
    void expect(String... expected) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            got.add(next());
        }
        assertEquals(List.of(expected), got);
    }

    /** Asserts that nothing is waiting; after a {@code settle}, nothing more will come. */
    void expectNothingMore() {
        assertEquals(List.of(), List.copyOf(messages));
    }

    List<String> threads() {
        synchronized (threads) {
            return List.copyOf(threads);
        }
    }
}
