package io.morgana.runtime.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;

class LogSpecTest {

    @Test void perSourceLevelsWithDottedFallbackAndDefault() {
        LogSpec s = LogSpec.parse("*:warn, tcp:debug ,net:trace,dns:off");
        assertEquals(Level.WARNING, s.threshold("http"));
        assertEquals(Level.DEBUG, s.threshold("tcp"));
        assertEquals(Level.TRACE, s.threshold("net.arp"));
        assertEquals(Level.OFF, s.threshold("dns"));
        assertEquals(Level.ERROR, LogSpec.parse("error").threshold("x"));
        assertEquals(Level.INFO, LogSpec.DEFAULT.threshold("anything"));
    }

    @Test void badSpecsSayWhatIsWanted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogSpec.parse("tcp:loud"));
        assertTrue(e.getMessage().contains("error, warn, info, debug, trace or off"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogSpec.parse(":debug"));
    }

    @Test void loggersFollowTheSinkBoundToTheThread() throws Exception {
        LogSink sink = LogSink.capturing(null);
        sink.spec(LogSpec.parse("*:info,quiet:error"));
        Thread t = Thread.ofVirtual().unstarted(() -> {
            sink.bindToCurrentThread();
            Logger loud = System.getLogger("loud");
            Logger quiet = System.getLogger("quiet");
            assertTrue(loud.isLoggable(Level.INFO));
            assertFalse(loud.isLoggable(Level.DEBUG));
            assertFalse(quiet.isLoggable(Level.WARNING));
            loud.log(Level.INFO, "hello {0}", "world");
            quiet.log(Level.WARNING, "dropped");
            // A thread started from here inherits the sink.
            Thread child = Thread.ofVirtual().start(() -> quiet.log(Level.ERROR, "child", new IllegalStateException("why")));
            try {
                child.join();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        t.start();
        t.join();
        assertEquals(2, sink.lines().size(), sink.lines().toString());
        assertTrue(sink.lines().get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[loud] hello world"),
                sink.lines().get(0));
        assertTrue(sink.lines().get(1).contains("ERROR [quiet] child"));
        assertTrue(sink.lines().get(1).contains("java.lang.IllegalStateException: why"));
    }

    @Test void aCapturingSinkIsBounded() throws Exception {
        LogSink sink = LogSink.capturing(null);
        for (int i = 0; i < LogSink.MAX_CAPTURED + 10; i++) sink.write(Level.INFO, "s", "line " + i, null);
        assertTrue(sink.lines().size() <= LogSink.MAX_CAPTURED);
        assertTrue(sink.lines().getLast().endsWith("line " + (LogSink.MAX_CAPTURED + 9)));
        assertTrue(sink.await("line " + (LogSink.MAX_CAPTURED + 5), 10) != null);
        assertTrue(sink.lines().getFirst().endsWith("line " + LogSink.MAX_CAPTURED / 2), "the oldest half went first");
    }
}
