package io.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link HttpDates} against {@code java.time}'s formatters for the three forms of RFC 9110 §5.6.7. */
class HttpDatesTest {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC_850 =
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

    /** java.time's "yyyy" is the year of the era: year 0 would show as 0001 (1 BC), so the comparisons start at year 1. */
    private static final long FIRST = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    /** 2026-12-03T12:00:00Z: "now" for the RFC 850 tests. */
    private static final long NOW = Instant.parse("2026-12-03T12:00:00Z").getEpochSecond();

    /** Instants around the edges that calendar code gets wrong, then many at random from 1970 to 9999. */
    private static List<Long> instants() {
        List<Long> out = new ArrayList<>();
        for (String t : List.of("1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1970-01-01T00:00:01Z",
                "1900-02-28T23:59:59Z", "1900-03-01T00:00:00Z", "2000-02-29T12:34:56Z", "2000-03-01T00:00:00Z",
                "2000-12-31T23:59:59Z", "2001-01-01T00:00:00Z", "2004-02-29T00:00:00Z", "2038-01-19T03:14:07Z",
                "2038-01-19T03:14:08Z", "2100-02-28T23:59:59Z", "2100-03-01T00:00:00Z", "2400-02-29T08:00:00Z",
                "1994-11-06T08:49:37Z", "2026-01-02T03:04:05Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")) {
            out.add(Instant.parse(t).getEpochSecond());
        }
        out.add(FIRST);
        out.add(LAST);
        SplittableRandom r = new SplittableRandom(9110);
        for (int i = 0; i < 100_000; i++) out.add(r.nextLong(0, LAST + 1));
        for (int i = 0; i < 10_000; i++) out.add(r.nextLong(FIRST, 0));
        return out;
    }

    @Test void formatsImfFixdateAsJavaTimeDoes() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(Instant.parse("1994-11-06T08:49:37Z")));
        for (long s : instants()) assertEquals(IMF_FIXDATE.format(Instant.ofEpochSecond(s)), HttpDates.format(s), "at " + s);
    }

    @Test void aTimeBeyondFourDigitYearsIsClamped() {
        assertEquals("Fri, 31 Dec 9999 23:59:59 GMT", HttpDates.format(Instant.MAX));
        assertEquals("Fri, 31 Dec 9999 23:59:59 GMT", HttpDates.format(LAST + 1));
        assertEquals("Sat, 01 Jan 0000 00:00:00 GMT", HttpDates.format(Instant.MIN));
        assertEquals("Sat, 01 Jan 0000 00:00:00 GMT", HttpDates.format(Long.MIN_VALUE));
    }

    @Test void parsesImfFixdateAndAsctimeAsJavaTimeDoes() {
        for (long s : instants()) {
            Instant t = Instant.ofEpochSecond(s);
            String imf = IMF_FIXDATE.format(t), asc = ASCTIME.format(t);
            assertEquals(t, HttpDates.parse(imf, NOW), imf);
            assertEquals(LocalDateTime.parse(imf, IMF_FIXDATE).toInstant(ZoneOffset.UTC), HttpDates.parse(imf, NOW), imf);
            assertEquals(t, HttpDates.parse(asc, NOW), asc);
        }
    }

    @Test void parsesRfc9110sExamples() {
        Instant t = Instant.parse("1994-11-06T08:49:37Z");
        assertEquals(t, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(t, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(t, HttpDates.parse("Sun Nov  6 08:49:37 1994"));
        assertEquals(t, HttpDates.parse("Sun Nov 06 08:49:37 1994")); // 2DIGIT is allowed as well
    }

    @Test void parsesRfc850WithinFiftyYearsOfNow() {
        // java.time reads "yy" as 2000-2099, which is RFC 9110's rule at the end of 2049
        long now2049 = Instant.parse("2049-12-31T23:59:59Z").getEpochSecond();
        SplittableRandom r = new SplittableRandom(850);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(Instant.parse("2000-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("2100-01-01T00:00:00Z").getEpochSecond()));
            String text = RFC_850.format(t);
            assertEquals(LocalDateTime.parse(text, RFC_850).toInstant(ZoneOffset.UTC), HttpDates.parse(text, now2049), text);
        }
        // now 2026-12-03T12:00:00Z: up to 50 years ahead is the future, beyond it the past century
        assertEquals(Instant.parse("2026-12-03T12:00:00Z"), HttpDates.parse("Thursday, 03-Dec-26 12:00:00 GMT", NOW));
        assertEquals(Instant.parse("2076-12-03T12:00:00Z"), HttpDates.parse("Thursday, 03-Dec-76 12:00:00 GMT", NOW));
        assertEquals(Instant.parse("1976-12-03T12:00:01Z"), HttpDates.parse("Friday, 03-Dec-76 12:00:01 GMT", NOW));
        assertEquals(Instant.parse("1977-01-01T00:00:00Z"), HttpDates.parse("Saturday, 01-Jan-77 00:00:00 GMT", NOW));
        assertEquals(Instant.parse("1999-12-31T23:59:59Z"), HttpDates.parse("Friday, 31-Dec-99 23:59:59 GMT", NOW));
        assertEquals(Instant.parse("2000-01-01T00:00:00Z"), HttpDates.parse("Saturday, 01-Jan-00 00:00:00 GMT", NOW));
        // late in a century, small two-digit years are in the next one
        long now2090 = Instant.parse("2090-01-01T00:00:00Z").getEpochSecond();
        assertEquals(Instant.parse("2110-05-01T00:00:00Z"), HttpDates.parse("Thursday, 01-May-10 00:00:00 GMT", now2090));
        assertEquals(Instant.parse("2050-05-01T00:00:00Z"), HttpDates.parse("Sunday, 01-May-50 00:00:00 GMT", now2090));
    }

    @Test void aLeapSecondReadsAsTheSecondBefore() {
        assertEquals(Instant.parse("2016-12-31T23:59:59Z"), HttpDates.parse("Sat, 31 Dec 2016 23:59:60 GMT", NOW));
        assertEquals(Instant.parse("2016-12-31T23:59:59Z"), HttpDates.parse("Sat Dec 31 23:59:60 2016", NOW));
    }

    @Test void anythingMalformedIsNull() {
        for (String bad : List.of(
                "", " ", "not a date", "Sun, 06 Nov 1994 08:49:37 GM", "Sun, 06 Nov 1994 08:49:37 GMTX",
                // names: unknown, wrong case, not matching the date
                "Sux, 06 Nov 1994 08:49:37 GMT", "sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
                "Sun, 06 Noe 1994 08:49:37 GMT", "Mon, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 gmt",
                "Sun, 06 Nov 1994 08:49:37 UTC", "Sonday, 06-Nov-94 08:49:37 GMT", "Sun, 06-Nov-94 08:49:37 GMT",
                "Monday, 06-Nov-94 08:49:37 GMT", "Sunday, 06-NOV-94 08:49:37 GMT", "Mon Nov  6 08:49:37 1994",
                "SUN Nov  6 08:49:37 1994", "Sun Xov  6 08:49:37 1994",
                // fields out of range
                "Mon, 00 Nov 1994 08:49:37 GMT", "Thu, 31 Nov 1994 08:49:37 GMT", "Sun, 29 Feb 1900 08:49:37 GMT",
                "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:37 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
                "Sunday, 06-Nov-94 24:49:37 GMT", "Sunday, 32-Nov-94 08:49:37 GMT", "Sun Nov 31 08:49:37 1994",
                "Sun Nov  0 08:49:37 1994",
                // truncated, extra or missing spaces, wrong separators and digits
                "Sun, 06 Nov 1994", "Sun, 06 Nov 1994 08:49:37", "Sun, 6 Nov 1994 08:49:37 GMT",
                "Sun, 06 Nov 94 08:49:37 GMT", "Sun,  06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37  GMT",
                " Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun,06 Nov 1994 08:49:37 GMT ",
                "Sun, 06 Nov 1994 08.49.37 GMT", "Sun, 06 Nov 1994 8:49:37  GMT", "Sun, 0a Nov 1994 08:49:37 GMT",
                "Sun, 06 Nov +994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:3 GMT", "Sun, \u0660\u0666 Nov 1994 08:49:37 GMT",
                "Sunday, 06-Nov-1994 08:49:37 GMT", "Sunday,06-Nov-94 08:49:37 GMT ", "Sunday, 06 Nov 94 08:49:37 GMT",
                "Sunday,  6-Nov-94 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37", "Sunday, 06-Nov-9408:49:37 GMT ",
                "Sun Nov  6 08:49:37 94", "Sun Nov 6 08:49:37 1994", "Sun Nov   6 08:49:37 1994", "Sun  Nov 6 08:49:37 1994",
                "Sun Nov  6 08:49:37 1994 ", "Sun Nov  6  8:49:37 1994", "Sun Nov  6 08:49:37 199x", "Sun Nov 6  08:49:37 1994",
                ", 06-Nov-94 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT\r\n", "Sun\t06 Nov 1994 08:49:37 GMT")) {
            assertNull(HttpDates.parse(bad, NOW), "'" + bad + "'");
        }
        assertNull(HttpDates.parse(null));
    }

    @Test void everyTruncationOfEveryFormIsNull() {
        for (String good : List.of("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                "Wednesday, 09-Nov-94 08:49:37 GMT")) {
            for (int n = 0; n < good.length(); n++) {
                assertNull(HttpDates.parse(good.substring(0, n), NOW), good.substring(0, n));
                assertNull(HttpDates.parse(good.substring(n + 1), NOW), good.substring(n + 1));
            }
        }
    }
}
