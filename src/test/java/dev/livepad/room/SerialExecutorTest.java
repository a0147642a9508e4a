package dev.livepad.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Order within a room, fairness between rooms on the real pool the server uses. */
@Timeout(30)
class SerialExecutorTest {

    @Test
    void a_room_that_always_has_work_lets_another_room_run() throws Exception {
        ForkJoinPool pool = new ForkJoinPool(1, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
        ExecutorService requeue = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor busy = new SerialExecutor(pool, requeue);
            SerialExecutor quiet = new SerialExecutor(pool, requeue);
            AtomicInteger busyRan = new AtomicInteger();
            int busyTasks = 100 * SerialExecutor.BATCH;
            CountDownLatch quietRan = new CountDownLatch(1);
            int[] busyBeforeQuiet = new int[1];
            CountDownLatch start = new CountDownLatch(1);
            busy.execute(() -> await(start)); // holds the only worker until both rooms have work queued
            for (int i = 0; i < busyTasks; i++) {
                busy.execute(busyRan::incrementAndGet);
            }
            quiet.execute(() -> {
                busyBeforeQuiet[0] = busyRan.get();
                quietRan.countDown();
            });
            start.countDown();
            assertTrue(quietRan.await(10, TimeUnit.SECONDS));
            assertTrue(busyBeforeQuiet[0] < busyTasks / 2,
                    "the quiet room waited for " + busyBeforeQuiet[0] + " of the busy room's tasks");
        } finally {
            pool.shutdownNow();
            requeue.shutdownNow();
        }
    }

    @Test
    void tasks_of_one_room_run_one_at_a_time_in_order() throws Exception {
        ForkJoinPool pool = new ForkJoinPool(2, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
        ExecutorService requeue = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor room = new SerialExecutor(pool, requeue);
            List<Integer> seen = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            int n = 10 * SerialExecutor.BATCH;
            for (int i = 0; i < n; i++) {
                int task = i;
                room.execute(() -> seen.add(task));
            }
            room.execute(done::countDown);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(n, seen.size());
            for (int i = 0; i < n; i++) {
                assertEquals(i, seen.get(i));
            }
        } finally {
            pool.shutdownNow();
            requeue.shutdownNow();
        }
    }

    @Test
    void an_idle_room_runs_a_task_here_and_a_busy_one_queues_it_in_order() throws Exception {
        ForkJoinPool pool = new ForkJoinPool(2, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
        ExecutorService requeue = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor room = new SerialExecutor(pool, requeue);
            Thread caller = Thread.currentThread();
            List<Thread> ranOn = new CopyOnWriteArrayList<>();
            room.executeHere(() -> ranOn.add(Thread.currentThread()));
            assertEquals(List.of(caller), ranOn, "an idle room's task runs on the calling thread, at once");

            // A task queued from inside the room's own drain runs after the current one, in the same drain.
            List<Integer> order = new CopyOnWriteArrayList<>();
            room.executeHere(() -> {
                room.executeHere(() -> order.add(2));
                order.add(1);
            });
            assertEquals(List.of(1, 2), order);

            // While another thread drains the room, executeHere only queues: nothing runs here.
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            room.execute(() -> {
                holding.countDown();
                await(release);
            });
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            CountDownLatch queuedRan = new CountDownLatch(1);
            List<Thread> queuedOn = new CopyOnWriteArrayList<>();
            room.executeHere(() -> {
                queuedOn.add(Thread.currentThread());
                queuedRan.countDown();
            });
            assertTrue(queuedOn.isEmpty(), "a busy room's task must wait its turn");
            release.countDown();
            assertTrue(queuedRan.await(10, TimeUnit.SECONDS));
            assertTrue(queuedOn.get(0) != caller, "it ran on the thread that was draining the room");
        } finally {
            pool.shutdownNow();
            requeue.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
