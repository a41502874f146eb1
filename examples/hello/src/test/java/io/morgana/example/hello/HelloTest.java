package io.morgana.example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.Launcher;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelloTest {

    private static final Duration T = Duration.ofSeconds(10);

    private static List<String> greetings(Launcher.Running r, String text) {
        return r.log().stream().filter(l -> l.contains("[hello] " + text)).toList();
    }

    @Test void greetsTheGivenNumberOfTimesThenExits() {
        Launcher.Running r = Launcher.start(new Hello(), "unix", "--greeting=Bonjour", "--times=4", "--interval=20ms");
        assertEquals(0, r.awaitExit(T));
        List<String> lines = greetings(r, "Bonjour");
        assertEquals(4, lines.size(), String.join("\n", r.log()));
        assertTrue(lines.get(3).endsWith("Bonjour (4/4)"), lines.get(3));
    }

    @Test void waitsTheIntervalBetweenGreetings() {
        long t0 = System.nanoTime();
        Launcher.Running r = Launcher.start(new Hello(), "unix", "--times", "3", "--interval", "150ms");
        assertEquals(0, r.awaitExit(T));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 300, "two intervals of 150 ms took only " + ms + " ms");
        assertEquals(3, greetings(r, "Hello, world!").size());
    }

    @Test void zeroTimesSaysNothing() {
        Launcher.Running r = Launcher.start(new Hello(), "unix", "--times=0");
        assertEquals(0, r.awaitExit(T));
        assertEquals(0, greetings(r, "").size());
    }

    @Test void logsSpecCanSilenceIt() {
        Launcher.Running r = Launcher.start(new Hello(), "unix", "--times=2", "--interval=1ms", "-l", "*:info,hello:off");
        assertEquals(0, r.awaitExit(T));
        assertEquals(0, greetings(r, "").size());
    }

    @Test void wrongTimesIsAUsageError() {
        Launcher.Running r = Launcher.start(new Hello(), "unix", "--times=many");
        assertEquals(64, r.awaitExit(T));
        assertEquals("--times: 'many' is not a number (want an integer 0..1000000) [--times=N]", r.bootError());
    }
}
