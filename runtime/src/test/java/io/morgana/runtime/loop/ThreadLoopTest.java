package io.morgana.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThreadLoopTest {

    @Test void runsTasksInOrderOnItsThread() throws Exception {
        try (ThreadLoop loop = ThreadLoop.start("test-loop")) {
            List<Integer> seen = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            boolean[] onLoop = {true};
            for (int i = 0; i < 1000; i++) {
                int v = i;
                loop.execute(() -> {
                    onLoop[0] &= loop.inLoop();
                    seen.add(v);
                    if (v == 999) done.countDown();
                });
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertTrue(onLoop[0]);
            for (int i = 0; i < 1000; i++) assertEquals(i, seen.get(i));
            assertFalse(loop.inLoop());
        }
    }

    @Test void timersFireAtTheirDeadlineInOrderAndCancelledOnesNever() throws Exception {
        try (ThreadLoop loop = ThreadLoop.start("test-timers")) {
            List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1);
            long now = loop.nanoTime();
            long[] firedAt = new long[1];
            loop.schedule(now + 80_000_000, () -> {
                seen.add("b");
                firedAt[0] = System.nanoTime();
                done.countDown();
            });
            loop.schedule(now + 40_000_000, () -> seen.add("a"));
            loop.schedule(now + 60_000_000, () -> seen.add("cancelled")).cancel();
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("a", "b"), seen);
            assertTrue(firedAt[0] - now >= 80_000_000, "fired early");
        }
    }

    @Test void aFailingTaskDoesNotStopTheLoop() throws Exception {
        try (ThreadLoop loop = ThreadLoop.start("test-fail")) {
            CountDownLatch after = new CountDownLatch(1);
            loop.execute(() -> { throw new IllegalStateException("expected in this test"); });
            loop.execute(after::countDown);
            assertTrue(after.await(5, TimeUnit.SECONDS));
        }
    }

    @Test void waiterWakesAVirtualThreadAndTimesOut() throws Exception {
        try (ThreadLoop loop = ThreadLoop.start("test-waiter")) {
            Waiter w = new Waiter(loop);
            int[] value = {0};
            AtomicInteger result = new AtomicInteger();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    result.set(w.await(() -> value[0] == 7, loop.nanoTime() + 5_000_000_000L) ? 1 : 2);
                } catch (InterruptedException e) {
                    result.set(3);
                }
            });
            loop.schedule(loop.nanoTime() + 20_000_000, () -> w.update(() -> value[0] = 7));
            t.join(5000);
            assertEquals(1, result.get());

            long t0 = System.nanoTime();
            assertFalse(w.await(() -> false, loop.nanoTime() + 50_000_000));
            assertTrue(System.nanoTime() - t0 >= 50_000_000);
        }
    }
}
