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

    /** Waits up to 5 s for the loop's thread to reach {@code state}; returns the last state seen. */
    private static Thread.State awaitState(ThreadLoop loop, Thread.State state) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        Thread.State s;
        while ((s = loop.thread().getState()) != state && System.nanoTime() < end) Thread.sleep(1);
        return s;
    }

    @Test void aSpinningLoopKeepsItsThreadAfterWorkThenParks() throws Exception {
        // After a posted task the loop spins (its thread stays RUNNABLE) for the spin time, then parks.
        try (ThreadLoop loop = ThreadLoop.start("test-spin", 300_000_000L)) {
            assertEquals(Thread.State.WAITING, awaitState(loop, Thread.State.WAITING), "an idle loop parks");
            CountDownLatch ran = new CountDownLatch(1);
            long posted = System.nanoTime();
            loop.execute(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            Thread.State during = loop.thread().getState();
            assertEquals(Thread.State.WAITING, awaitState(loop, Thread.State.WAITING), "the loop parks once the spin is over");
            if (System.nanoTime() - posted < 200_000_000L) assertEquals(Thread.State.RUNNABLE, during, "the loop spins after work");

            // It still runs tasks in order while spinning, and timers at their deadline.
            List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1);
            loop.schedule(loop.nanoTime() + 50_000_000, () -> { seen.add(-1); done.countDown(); });
            for (int i = 0; i < 100; i++) {
                int v = i;
                loop.execute(() -> seen.add(v));
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(101, seen.size());
            assertEquals(-1, seen.get(100));
        }
    }

    @Test void onlyPostedWorkMakesTheLoopSpin() throws Exception {
        // A round that only ran timers parks at once: an idle appliance's periodic timers cost no spinning.
        try (ThreadLoop loop = ThreadLoop.start("test-timer-spin", 60_000_000_000L)) {
            CountDownLatch fired = new CountDownLatch(1);
            // Scheduled from within a posted task: that round spins, and the timer cuts the spin short.
            loop.execute(() -> loop.schedule(loop.nanoTime() + 100_000_000, fired::countDown));
            assertTrue(fired.await(5, TimeUnit.SECONDS), "a timer fires while the loop spins");
            assertEquals(Thread.State.WAITING, awaitState(loop, Thread.State.WAITING),
                    "after a round of timers only, the loop parks instead of spinning for a minute");
        }
    }

    @Test void closeStopsASpinningLoop() throws Exception {
        ThreadLoop loop = ThreadLoop.start("test-spin-close", 60_000_000_000L);
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        loop.close();
        assertFalse(loop.thread().isAlive());
        assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "close waited for the spin");
    }

    @Test void aNegativeSpinIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ThreadLoop.start("test-bad-spin", -1));
        assertEquals("spin time must not be negative: -1 ns", e.getMessage());
    }
}
