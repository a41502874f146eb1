package io.morgana.api;

/**
 * A date of the proleptic Gregorian calendar, and its <em>epoch day</em>: the count of days from
 * 1970-01-01, which is also the UTC day of a POSIX time ({@code floorDiv(epochSecond, 86400)}).
 *
 * <p>Morgana's libraries format HTTP dates and log timestamps with this rather than with
 * {@code java.time}'s formatters, whose first use loads locale providers, calendar data and
 * resource bundles (about 16 ms of an appliance's first request). Appliance code that needs more
 * than this is better served by {@code java.time}.
 *
 * @param month 1 (January) to 12
 * @param day 1 to the length of the month
 */
public record CivilDate(int year, int month, int day) {

    /**
     * Days before each month in a year counted from March (index 0 is March, 11 is February): with
     * February last, a leap day only ever ends a year, and month lengths need no leap-year rule.
     */
    private static final int[] DAYS_BEFORE_MONTH_FROM_MARCH = {0, 31, 61, 92, 122, 153, 184, 214, 245, 275, 306, 337};
    /** The Gregorian calendar repeats itself every 400 years, which have 146,097 days. */
    private static final long DAYS_PER_400_YEARS = 146_097;
    /** Days from 0000-03-01 (the start of March-year 0) to 1970-01-01 (January of March-year 1969). */
    private static final long EPOCH_FROM_MARCH_0 = daysFromMarch0(1969, 10, 1);

    /** @throws IllegalArgumentException if the month or day does not exist */
    public CivilDate {
        if (!isValid(year, month, day)) {
            throw new IllegalArgumentException("no such date: year " + year + ", month " + month + ", day " + day);
        }
    }

    /** Whether {@code year-month-day} is a date (month 1-12, day within that month of that year). */
    public static boolean isValid(int year, int month, int day) {
        if (month < 1 || month > 12 || day < 1) return false;
        int length = switch (month) {
            case 2 -> isLeapYear(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
        return day <= length;
    }

    private static boolean isLeapYear(long year) {
        return Math.floorMod(year, 4) == 0 && (Math.floorMod(year, 100) != 0 || Math.floorMod(year, 400) == 0);
    }

    /** Days from 1970-01-01 to this date (negative before it). */
    public long epochDay() {
        return month > 2 ? daysFromMarch0(year, month - 3, day) - EPOCH_FROM_MARCH_0
                : daysFromMarch0(year - 1L, month + 9, day) - EPOCH_FROM_MARCH_0;
    }

    /**
     * Days from 0000-03-01 to day {@code day} of month {@code marchMonth} (0 = March) of the year
     * that begins on March 1 of {@code marchYear}. Each whole year before it has 365 days plus its
     * leap day, if any: the February 29 of March-year {@code y} is that of calendar year {@code y + 1}.
     */
    private static long daysFromMarch0(long marchYear, int marchMonth, int day) {
        long leapDays = Math.floorDiv(marchYear, 4) - Math.floorDiv(marchYear, 100) + Math.floorDiv(marchYear, 400);
        return 365 * marchYear + leapDays + DAYS_BEFORE_MONTH_FROM_MARCH[marchMonth] + day - 1;
    }

    /**
     * The date {@code epochDay} days after 1970-01-01.
     *
     * @throws ArithmeticException if its year does not fit an {@code int} (more than 5.8 million
     *     millennia away)
     */
    public static CivilDate ofEpochDay(long epochDay) {
        long fromMarch0 = Math.addExact(epochDay, EPOCH_FROM_MARCH_0);
        long era = Math.floorDiv(fromMarch0, DAYS_PER_400_YEARS);
        long dayOfEra = fromMarch0 - era * DAYS_PER_400_YEARS; // 0 to 146,096
        // A year has 365.2425 days on average: estimate the year of the era, then step to the one
        // whose first day is the last not after dayOfEra.
        long yearOfEra = dayOfEra * 400 / DAYS_PER_400_YEARS;
        while (daysFromMarch0(yearOfEra, 0, 1) > dayOfEra) yearOfEra--;
        while (daysFromMarch0(yearOfEra + 1, 0, 1) <= dayOfEra) yearOfEra++;
        int dayOfYear = (int) (dayOfEra - daysFromMarch0(yearOfEra, 0, 1)); // 0 to 365
        int marchMonth = 11;
        while (DAYS_BEFORE_MONTH_FROM_MARCH[marchMonth] > dayOfYear) marchMonth--;
        int day = dayOfYear - DAYS_BEFORE_MONTH_FROM_MARCH[marchMonth] + 1;
        int month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
        long year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
        return new CivilDate(Math.toIntExact(year), month, day);
    }

    /** The ISO day of the week: 1 is Monday, 7 is Sunday (1970-01-01 was a Thursday). */
    public int dayOfWeek() { return (int) Math.floorMod(epochDay() + 3, 7) + 1; }

    /**
     * Appends {@code value} in decimal with at least {@code width} digits, zeros in front, as the
     * fields of dates and times are written ({@code 07}, {@code 0042}); a negative value gets a
     * {@code -} before its digits, and one wider than {@code width} keeps all of them.
     */
    public static StringBuilder appendPadded(StringBuilder sb, int value, int width) {
        if (value < 0) sb.append('-');
        String digits = Integer.toString(Math.abs(value));
        for (int i = digits.length(); i < width; i++) sb.append('0');
        return sb.append(digits);
    }
}
