package io.morgana.runtime.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogSinkTest {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static String time(long epochMilli) {
        StringBuilder sb = new StringBuilder();
        LogSink.appendTime(sb, epochMilli);
        return sb.toString();
    }

    @Test void timestampsAreJavaTimesIsoFormWithMilliseconds() {
        assertEquals("1970-01-01T00:00:00.000Z", time(0));
        assertEquals("1969-12-31T23:59:59.999Z", time(-1));
        assertEquals("2000-02-29T23:59:59.999Z", time(Instant.parse("2000-02-29T23:59:59.999Z").toEpochMilli()));
        assertEquals("2026-12-03T14:05:06.007Z", time(Instant.parse("2026-12-03T14:05:06.007Z").toEpochMilli()));
        SplittableRandom r = new SplittableRandom(8601);
        long last = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            long t = r.nextLong(0, last + 1);
            assertEquals(ISO_MILLIS.format(Instant.ofEpochMilli(t)), time(t), "at " + t);
        }
    }

    @Test void aLineStartsWithTheTime() {
        LogSink sink = LogSink.capturing(null);
        long before = System.currentTimeMillis();
        sink.write(System.Logger.Level.INFO, "test", "hello", null);
        long after = System.currentTimeMillis();
        String line = sink.lines().getFirst();
        long t = Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
        assertTrue(t >= before && t <= after, line + " not within [" + before + ", " + after + "]");
    }
}
