package io.morgana.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedLoopTest {

    private static final long MS = 1_000_000;

    @Test void tasksInOrderTimersByDeadlineThenBySchedulingOrder() {
        SimulatedLoop loop = new SimulatedLoop();
        List<String> order = new ArrayList<>();
        loop.schedule(30 * MS, () -> order.add("t30"));
        loop.schedule(10 * MS, () -> order.add("t10a"));
        loop.schedule(10 * MS, () -> order.add("t10b"));
        EventLoop.Timer cancelled = loop.schedule(20 * MS, () -> order.add("t20"));
        loop.execute(() -> order.add("task1"));
        loop.execute(() -> {
            order.add("task2");
            loop.execute(() -> order.add("task3"));
        });
        cancelled.cancel();
        assertEquals(3, loop.runPending());
        assertEquals(List.of("task1", "task2", "task3"), order);
        loop.runFor(Duration.ofMillis(15));
        assertEquals(List.of("task1", "task2", "task3", "t10a", "t10b"), order);
        assertEquals(15 * MS, loop.nanoTime());
        loop.runFor(Duration.ofMillis(100));
        assertEquals(List.of("task1", "task2", "task3", "t10a", "t10b", "t30"), order);
        assertEquals(115 * MS, loop.nanoTime());
    }

    @Test void timeJumpsToTheNextTimerAndTimersSeeTheirDeadline() {
        SimulatedLoop loop = new SimulatedLoop();
        List<Long> seen = new ArrayList<>();
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            seen.add(loop.nanoTime());
            if (seen.size() < 5) loop.schedule(loop.nanoTime() + 1000 * MS, tick[0]);
        };
        loop.schedule(1000 * MS, tick[0]);
        loop.runFor(Duration.ofHours(1));
        assertEquals(List.of(1000 * MS, 2000 * MS, 3000 * MS, 4000 * MS, 5000 * MS), seen);
        assertEquals(Duration.ofHours(1).toNanos(), loop.nanoTime());
        assertEquals(java.time.Instant.parse("2026-01-01T01:00:00Z"), loop.clock().now());
    }

    @Test void runUntilStopsWhenTheConditionHoldsOrAtTheLimit() {
        SimulatedLoop loop = new SimulatedLoop();
        int[] n = {0};
        for (int i = 1; i <= 10; i++) loop.schedule(i * 100 * MS, () -> n[0]++);
        assertTrue(loop.runUntil(() -> n[0] == 3, Duration.ofSeconds(10)));
        assertEquals(300 * MS, loop.nanoTime());
        assertFalse(loop.runUntil(() -> n[0] == 100, Duration.ofMillis(250)));
        assertEquals(550 * MS, loop.nanoTime());
        assertEquals(5, n[0]);
    }

    @Test void aFailingTaskFailsTheRun() {
        SimulatedLoop loop = new SimulatedLoop();
        loop.execute(() -> { throw new IllegalStateException("bad state"); });
        assertThrows(IllegalStateException.class, loop::runPending);
    }

    /** Two blocking-style participants exchanging through loop-owned state, on virtual time. */
    @Test void participantsInterleaveDeterministicallyWithTheLoop() {
        List<String> first = pingPong();
        assertEquals(first, pingPong(), "same inputs, same run");
        // Each value sent at t reaches b 5 ms later through a loop timer; a sends every 10 ms.
        assertEquals(List.of("a:0@0ms", "b:got 0@5ms", "a:1@10ms", "b:got 1@15ms", "a:2@20ms", "b:got 2@25ms", "a:3@30ms",
                "b:got 3@35ms"), first);
    }

    private static List<String> pingPong() {
        SimulatedLoop loop = new SimulatedLoop();
        Waiter waiter = new Waiter(loop);
        int[] mailbox = {-1};
        List<String> log = new ArrayList<>();
        loop.spawn("a", () -> {
            try {
                for (int i = 0; i < 4; i++) {
                    log.add("a:" + i + "@" + loop.nanoTime() / MS + "ms");
                    int v = i;
                    // A "send" goes through the loop, as a protocol would.
                    loop.schedule(loop.nanoTime() + 5 * MS, () -> waiter.update(() -> mailbox[0] = v));
                    loop.sleep(Duration.ofMillis(10));
                }
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        loop.spawn("b", () -> {
            try {
                int last = -1;
                while (last < 3) {
                    int seen = last;
                    if (!waiter.await(() -> mailbox[0] != seen, loop.nanoTime() + 1000 * MS)) throw new AssertionError("timeout");
                    last = mailbox[0];
                    log.add("b:got " + last + "@" + loop.nanoTime() / MS + "ms");
                }
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        loop.runFor(Duration.ofSeconds(1));
        assertEquals(8, log.size(), log.toString());
        return log;
    }

    @Test void awaitTimesOutOnVirtualTime() {
        SimulatedLoop loop = new SimulatedLoop();
        Waiter waiter = new Waiter(loop);
        boolean[] result = {true};
        long[] when = {0};
        loop.spawn("w", () -> {
            try {
                result[0] = waiter.await(() -> false, loop.nanoTime() + 250 * MS);
                when[0] = loop.nanoTime();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        loop.runFor(Duration.ofSeconds(5));
        assertFalse(result[0]);
        assertEquals(250 * MS, when[0]);
    }

    @Test void aFailingParticipantFailsTheRun() {
        SimulatedLoop loop = new SimulatedLoop();
        loop.spawn("x", () -> { throw new IllegalArgumentException("broken"); });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runFor(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("participant 'x' failed"), e.getMessage());
    }

    @Test void awaitOnTheLoopThreadIsRefused() {
        SimulatedLoop loop = new SimulatedLoop();
        Waiter w = new Waiter(loop);
        Throwable[] t = new Throwable[1];
        loop.execute(() -> t[0] = assertThrows(IllegalStateException.class, () -> w.await(() -> false, 0)));
        loop.runPending();
        assertTrue(t[0].getMessage().contains("would block the loop"));
    }
}
