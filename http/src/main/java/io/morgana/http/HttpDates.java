package io.morgana.http;

import io.morgana.api.CivilDate;
import java.time.Instant;

/**
 * HTTP-date (RFC 9110 §5.6.7): IMF-fixdate to send; IMF-fixdate, RFC 850 and asctime to read.
 *
 * <p>Written out on {@link CivilDate} rather than with {@code java.time}'s formatters: those load
 * locale providers, calendar data and resource bundles on first use, which cost an appliance about
 * 16 ms of its first request. The three forms are fixed-width, US-English and case-sensitive, so
 * little is lost.
 */
public final class HttpDates {
    private HttpDates() {}

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] LONG_DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final int SECONDS_PER_DAY = 86_400;
    /** The range a four-digit year can show: 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
    private static final long FIRST = new CivilDate(0, 1, 1).epochDay() * SECONDS_PER_DAY;
    private static final long LAST = new CivilDate(9999, 12, 31).epochDay() * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;
    private static final long MALFORMED = Long.MIN_VALUE;

    /** IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}; a time outside years 0000-9999 is clamped into them. */
    public static String format(Instant t) { return format(t.getEpochSecond()); }

    /** {@link #format(Instant)} of a POSIX time in seconds. */
    public static String format(long epochSecond) {
        long s = Math.clamp(epochSecond, FIRST, LAST);
        CivilDate d = CivilDate.ofEpochDay(Math.floorDiv(s, SECONDS_PER_DAY));
        StringBuilder b = new StringBuilder(29).append(DAYS[d.dayOfWeek() - 1]).append(", ");
        CivilDate.appendPadded(b, d.day(), 2).append(' ').append(MONTHS[d.month() - 1]).append(' ');
        CivilDate.appendPadded(b, d.year(), 4).append(' ');
        int second = (int) Math.floorMod(s, SECONDS_PER_DAY);
        CivilDate.appendPadded(b, second / 3600, 2).append(':');
        CivilDate.appendPadded(b, second / 60 % 60, 2).append(':');
        return CivilDate.appendPadded(b, second % 60, 2).append(" GMT").toString();
    }

    /**
     * The instant an HTTP-date names, or null if {@code text} is null or not exactly one of the
     * three forms (wrong names or case, fields out of range, a day of the week that does not match
     * the date, extra or missing spaces). A leap second ({@code :60}) reads as {@code :59}. An RFC
     * 850 two-digit year is read as the latest year with those digits that is not more than 50
     * years after now (RFC 9110's rule).
     */
    public static Instant parse(String text) { return parse(text, System.currentTimeMillis() / 1000); }

    /** {@link #parse(String)} with "now" given, as a POSIX time in seconds. */
    static Instant parse(String text, long nowEpochSecond) {
        if (text == null) return null;
        long s;
        if (text.length() == 29 && text.charAt(3) == ',') s = imfFixdate(text);
        else if (text.length() == 24 && text.charAt(3) == ' ') s = asctime(text);
        else s = rfc850(text, nowEpochSecond);
        return s == MALFORMED ? null : Instant.ofEpochSecond(s);
    }

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT} */
    private static long imfFixdate(String t) {
        if (!t.startsWith(", ", 3) || t.charAt(7) != ' ' || t.charAt(11) != ' ' || t.charAt(16) != ' '
                || !t.startsWith(" GMT", 25)) {
            return MALFORMED;
        }
        return seconds(indexOf(DAYS, t, 0, 3), number(t, 12, 4), month(t, 8), number(t, 5, 2), t, 17);
    }

    /** {@code Sunday, 06-Nov-94 08:49:37 GMT} */
    private static long rfc850(String t, long now) {
        int comma = t.length() - 24; // what follows the day name has a fixed width
        if (comma < 6 || !t.startsWith(", ", comma) || t.charAt(comma + 4) != '-' || t.charAt(comma + 8) != '-'
                || t.charAt(comma + 11) != ' ' || !t.startsWith(" GMT", comma + 20)) {
            return MALFORMED;
        }
        int yy = number(t, comma + 9, 2);
        int month = month(t, comma + 5);
        int day = number(t, comma + 2, 2);
        int second = secondOfDay(t, comma + 12);
        if (yy < 0 || month < 0 || day < 0 || second < 0) return MALFORMED;
        CivilDate today = CivilDate.ofEpochDay(Math.floorDiv(now, SECONDS_PER_DAY));
        int nowSecond = (int) Math.floorMod(now, SECONDS_PER_DAY);
        int year = today.year() - Math.floorMod(today.year(), 100) + yy + 100;
        while (moreThan50YearsAfter(year, month, day, second, today, nowSecond)) year -= 100;
        return seconds(indexOf(LONG_DAYS, t, 0, comma), year, month, day, t, comma + 12);
    }

    private static boolean moreThan50YearsAfter(int year, int month, int day, int second, CivilDate today, int nowSecond) {
        int years = year - today.year();
        if (years != 50) return years > 50;
        if (month != today.month()) return month > today.month();
        if (day != today.day()) return day > today.day();
        return second > nowSecond;
    }

    /** {@code Sun Nov  6 08:49:37 1994} (the day of the month is two digits or a space and one digit) */
    private static long asctime(String t) {
        if (t.charAt(7) != ' ' || t.charAt(10) != ' ' || t.charAt(19) != ' ') return MALFORMED;
        int day = t.charAt(8) == ' ' ? number(t, 9, 1) : number(t, 8, 2);
        return seconds(indexOf(DAYS, t, 0, 3), number(t, 20, 4), month(t, 4), day, t, 11);
    }

    /** The time of {@code dayOfWeek} (0 = Monday) {@code year-month-day} at the clock time at {@code time}, checked. */
    private static long seconds(int dayOfWeek, int year, int month, int day, String t, int time) {
        int second = secondOfDay(t, time);
        if (dayOfWeek < 0 || year < 0 || month < 0 || second < 0 || !CivilDate.isValid(year, month, day)) return MALFORMED;
        CivilDate date = new CivilDate(year, month, day);
        if (date.dayOfWeek() != dayOfWeek + 1) return MALFORMED;
        return date.epochDay() * SECONDS_PER_DAY + second;
    }

    /** {@code HH:MM:SS} at {@code at} as seconds since midnight (a leap second as :59), or -1. */
    private static int secondOfDay(String t, int at) {
        if (t.charAt(at + 2) != ':' || t.charAt(at + 5) != ':') return -1;
        int h = number(t, at, 2), m = number(t, at + 3, 2), s = number(t, at + 6, 2);
        if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60) return -1;
        return h * 3600 + m * 60 + Math.min(s, 59);
    }

    /** The month (1-12) whose name is at {@code at}, or -1. */
    private static int month(String t, int at) {
        int i = indexOf(MONTHS, t, at, at + 3);
        return i < 0 ? -1 : i + 1;
    }

    /** The index of the name that is exactly {@code t[from, to)}, or -1. */
    private static int indexOf(String[] names, String t, int from, int to) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].length() == to - from && t.startsWith(names[i], from)) return i;
        }
        return -1;
    }

    /** The decimal number of exactly {@code width} ASCII digits at {@code at}, or -1. */
    private static int number(String t, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
