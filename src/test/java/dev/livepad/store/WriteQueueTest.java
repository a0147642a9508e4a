package dev.livepad.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue to the writer is bounded by the bytes of the ops it holds, not only their number. */
@Timeout(30)
class WriteQueueTest {

    private static WriteCommand.Append append(int jsonBytes) {
        return new WriteCommand.Append("room", new StoredOp(1, "x".repeat(jsonBytes), "id", "c", 0, 0));
    }

    @Test
    void callers_wait_once_the_queued_ops_reach_the_byte_bound() throws Exception {
        WriteQueue queue = new WriteQueue(1000, 4 * WriteQueue.UNIT_BYTES);
        for (int i = 0; i < 4; i++) {
            assertNull(queue.offer(append(WriteQueue.UNIT_BYTES)));
        }
        CompletableFuture<RuntimeException> fifth = CompletableFuture.supplyAsync(() -> queue.offer(append(10)));
        try {
            fifth.get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError("a fifth op was queued past 4 KB of ops");
        } catch (TimeoutException expected) {
            // blocked, as it should be
        }
        List<WriteCommand> batch = new ArrayList<>();
        queue.takeBatch(batch, 1);
        assertNull(fifth.get(10, TimeUnit.SECONDS), "taking one op made room for the next");
        batch.clear();
        queue.takeBatch(batch, 100);
        assertEquals(4, batch.size());
    }

    @Test
    void an_op_larger_than_the_whole_bound_still_gets_through_alone() throws Exception {
        WriteQueue queue = new WriteQueue(1000, 2 * WriteQueue.UNIT_BYTES);
        assertNull(queue.offer(append(10 * WriteQueue.UNIT_BYTES)));
        List<WriteCommand> batch = new ArrayList<>();
        queue.takeBatch(batch, 10);
        assertEquals(1, batch.size());
        assertNull(queue.offer(append(1)));
        assertTrue(queue.close());
        assertFalse(queue.close());
    }

    @Test
    void the_consumer_never_waits_for_room_in_its_own_queue_and_takes_none_of_it() throws Exception {
        WriteQueue queue = new WriteQueue(1000, 2 * WriteQueue.UNIT_BYTES);
        assertNull(queue.offer(append(WriteQueue.UNIT_BYTES)));
        assertNull(queue.offer(append(WriteQueue.UNIT_BYTES)));
        queue.consumedBy(Thread.currentThread());
        // Full: another thread would wait here; the consumer (running room work that appends) must not.
        assertNull(queue.offer(append(WriteQueue.UNIT_BYTES)));
        List<WriteCommand> batch = new ArrayList<>();
        queue.takeBatch(batch, 100);
        assertEquals(3, batch.size());
        // Its op was taken over the bound, so draining it gave back only the two units the others held:
        // two more ops fit from another thread, a third waits.
        CompletableFuture<RuntimeException> others = CompletableFuture.supplyAsync(() -> {
            RuntimeException first = queue.offer(append(WriteQueue.UNIT_BYTES));
            return first != null ? first : queue.offer(append(WriteQueue.UNIT_BYTES));
        });
        assertNull(others.get(10, TimeUnit.SECONDS));
        CompletableFuture<RuntimeException> third = CompletableFuture.supplyAsync(() -> queue.offer(append(10)));
        try {
            third.get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError("the bound grew by the consumer's op");
        } catch (TimeoutException expected) {
            // blocked: the bound is what it was
        }
        queue.takeBatch(batch, 1);
        assertNull(third.get(10, TimeUnit.SECONDS));
    }
}
