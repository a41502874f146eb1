package io.morgana.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link CivilDate} against {@code java.time.LocalDate}, which implements the same calendar. */
class CivilDateTest {

    private static void assertSameAsJavaTime(long epochDay) {
        LocalDate expected = LocalDate.ofEpochDay(epochDay);
        CivilDate d = CivilDate.ofEpochDay(epochDay);
        String where = "epoch day " + epochDay + " (" + expected + ")";
        assertEquals(expected.getYear(), d.year(), where);
        assertEquals(expected.getMonthValue(), d.month(), where);
        assertEquals(expected.getDayOfMonth(), d.day(), where);
        assertEquals(expected.getDayOfWeek().getValue(), d.dayOfWeek(), where);
        assertEquals(epochDay, d.epochDay(), where);
    }

    @Test void everyDayFromYear0To10000IsJavaTimesDate() {
        long first = LocalDate.of(0, 1, 1).toEpochDay(), last = LocalDate.of(10_000, 12, 31).toEpochDay();
        for (long day = first; day <= last; day++) assertSameAsJavaTime(day);
    }

    @Test void farDaysOnBothSidesAndTheEdgesOfEras() {
        SplittableRandom r = new SplittableRandom(6);
        long max = LocalDate.MAX.toEpochDay();
        for (int i = 0; i < 200_000; i++) assertSameAsJavaTime(r.nextLong(-max, max + 1));
        for (long era = -2_000; era <= 2_000; era++) {
            long march1 = LocalDate.of((int) era * 400, 3, 1).toEpochDay();
            for (long d = march1 - 2; d <= march1 + 2; d++) assertSameAsJavaTime(d);
            assertSameAsJavaTime(LocalDate.of((int) era * 400, 2, 29).toEpochDay());
        }
        assertSameAsJavaTime(LocalDate.MIN.toEpochDay());
        assertSameAsJavaTime(max);
    }

    @Test void knownDates() {
        assertEquals(new CivilDate(1970, 1, 1), CivilDate.ofEpochDay(0));
        assertEquals(new CivilDate(1969, 12, 31), CivilDate.ofEpochDay(-1));
        assertEquals(4, new CivilDate(1970, 1, 1).dayOfWeek()); // a Thursday
        assertEquals(7, new CivilDate(1994, 11, 6).dayOfWeek()); // RFC 9110's example, a Sunday
        assertEquals(11_016, new CivilDate(2000, 2, 29).epochDay());
    }

    @Test void validityIsJavaTimes() {
        for (int year = -401; year <= 2401; year++) {
            for (int month = 0; month <= 13; month++) {
                for (int day = 0; day <= 32; day++) {
                    boolean expected;
                    try {
                        LocalDate.of(year, month, day);
                        expected = true;
                    } catch (DateTimeException e) {
                        expected = false;
                    }
                    assertEquals(expected, CivilDate.isValid(year, month, day), year + "-" + month + "-" + day);
                }
            }
        }
    }

    @Test void aDateThatDoesNotExistIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CivilDate(1900, 2, 29)); // not a leap year
        assertThrows(IllegalArgumentException.class, () -> new CivilDate(2026, 4, 31));
        assertThrows(IllegalArgumentException.class, () -> new CivilDate(2026, 13, 1));
        assertThrows(IllegalArgumentException.class, () -> new CivilDate(2026, 1, 0));
        assertThrows(ArithmeticException.class, () -> CivilDate.ofEpochDay(Long.MAX_VALUE));
        assertThrows(ArithmeticException.class, () -> CivilDate.ofEpochDay(Long.MIN_VALUE / 2));
    }

    @Test void fieldsArePaddedToTheirWidthAndKeepWiderValues() {
        StringBuilder sb = new StringBuilder();
        CivilDate.appendPadded(sb, 7, 2).append('|');
        CivilDate.appendPadded(sb, 42, 4).append('|');
        CivilDate.appendPadded(sb, 0, 3).append('|');
        CivilDate.appendPadded(sb, 12345, 4).append('|');
        CivilDate.appendPadded(sb, -5, 4);
        assertEquals("07|0042|000|12345|-0005", sb.toString());
    }
}
