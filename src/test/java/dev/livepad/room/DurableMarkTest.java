package dev.livepad.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DurableMarkTest {

    @Test
    void confirmations_that_arrive_together_release_one_task_with_the_highest_revision() {
        ArrayDeque<Runnable> queued = new ArrayDeque<>();
        List<Long> seen = new ArrayList<>();
        DurableMark mark = new DurableMark(10, queued::add, seen::add);
        mark.advance(11);
        mark.advance(12);
        mark.advance(13);
        assertEquals(1, queued.size(), "one task for the three confirmations");
        queued.poll().run();
        assertEquals(List.of(13L), seen);

        mark.advance(14);
        assertEquals(1, queued.size(), "a later confirmation posts again");
        queued.poll().run();
        assertEquals(List.of(13L, 14L), seen);
    }

    @Test
    void no_confirmation_is_lost_when_advances_race_with_the_task() throws Exception {
        ExecutorService room = Executors.newSingleThreadExecutor();
        List<Long> seen = new ArrayList<>(); // touched only on the room's thread
        DurableMark mark = new DurableMark(0, room, seen::add);
        Thread[] confirmers = new Thread[2];
        for (int t = 0; t < confirmers.length; t++) {
            int offset = t;
            confirmers[t] = new Thread(() -> {
                for (long rev = 1 + offset; rev <= 200_000; rev += 2) {
                    mark.advance(rev);
                }
            });
            confirmers[t].start();
        }
        for (Thread t : confirmers) {
            t.join();
        }
        room.submit(() -> { }).get(); // every posted task has run
        room.shutdown();
        room.awaitTermination(10, TimeUnit.SECONDS);
        assertEquals(200_000L, seen.get(seen.size() - 1), "the last task saw the highest revision");
        for (int i = 1; i < seen.size(); i++) {
            assertEquals(true, seen.get(i) >= seen.get(i - 1), "revisions never go back");
        }
    }
}
