package io.morgana.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A boot argument an appliance (or the runtime, or a target) declares: {@code --NAME=VALUE}.
 * Declarations are plain values, readable without starting anything, so the tool can list and
 * check them ({@code morgana describe}) and {@code --help} can print them.
 *
 * <p>The parser turns text into a value or throws {@link IllegalArgumentException} whose message
 * says what was wanted; the runtime then exits with status 64 naming the argument.
 *
 * @param <T> the parsed type
 */
public final class Arg<T> {

    /** How {@code --help} groups arguments. */
    public enum Group { APPLIANCE, NETWORK, STORAGE, LOGGING, RUNTIME }

    private final String name;
    private final String doc;
    private final String metavar;
    private final Group group;
    private final Function<String, T> parser;
    private final T defaultValue;
    private final boolean required;
    private final boolean flag;
    private final boolean repeatable;

    private Arg(String name, String doc, String metavar, Group group, Function<String, T> parser, T defaultValue,
            boolean required, boolean flag, boolean repeatable) {
        if (!Names.isWord(name)) {
            throw new IllegalArgumentException("argument names are lower-case words joined by '-', not '" + name + "'");
        }
        this.name = name;
        this.doc = Objects.requireNonNull(doc, "doc");
        this.metavar = metavar;
        this.group = group;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.required = required;
        this.flag = flag;
        this.repeatable = repeatable;
    }

    /** An argument of any type with a parser. */
    public static <T> Arg<T> of(String name, String metavar, Function<String, T> parser, T defaultValue, String doc) {
        return new Arg<>(name, doc, metavar, Group.APPLIANCE, parser, defaultValue, false, false, false);
    }

    public static Arg<String> string(String name, String defaultValue, String doc) {
        return of(name, "TEXT", s -> s, defaultValue, doc);
    }

    /** An integer within [min, max]. */
    public static Arg<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        return of(name, "N", s -> parseInt(s, min, max), defaultValue, doc);
    }

    /** A TCP/UDP port, 0..65535. */
    public static Arg<Integer> port(String name, int defaultValue, String doc) {
        return of(name, "PORT", s -> parseInt(s, 0, 65535), defaultValue, doc);
    }

    /** A switch: {@code --NAME} means true, {@code --NAME=false} false; default false. */
    public static Arg<Boolean> flag(String name, String doc) {
        return new Arg<>(name, doc, null, Group.APPLIANCE, Arg::parseBoolean, false, false, true, false);
    }

    /** A duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT30S}. */
    public static Arg<Duration> duration(String name, Duration defaultValue, String doc) {
        return of(name, "DURATION", Arg::parseDuration, defaultValue, doc);
    }

    public static Arg<Ipv4Address> ipv4(String name, Ipv4Address defaultValue, String doc) {
        return of(name, "A.B.C.D", Ipv4Address::parse, defaultValue, doc);
    }

    public static Arg<Ipv4Prefix> ipv4Prefix(String name, Ipv4Prefix defaultValue, String doc) {
        return of(name, "A.B.C.D/LEN", Ipv4Prefix::parse, defaultValue, doc);
    }

    public static Arg<Endpoint> endpoint(String name, Endpoint defaultValue, String doc) {
        return of(name, "ADDR:PORT", Endpoint::parse, defaultValue, doc);
    }

    /**
     * A host file whose contents the runtime reads at boot, before any seal, so that appliance code
     * never opens host files itself (it could not on {@code spt}). Value: the file's bytes.
     */
    public static Arg<FileContents> file(String name, String doc) {
        return of(name, "FILE", FileContents::marker, null, doc);
    }

    /** The same argument, required (no default). */
    public Arg<T> required() {
        return new Arg<>(name, doc, metavar, group, parser, null, true, flag, repeatable);
    }

    /** The same argument in another {@code --help} group. */
    public Arg<T> inGroup(Group g) {
        return new Arg<>(name, doc, metavar, g, parser, defaultValue, required, flag, repeatable);
    }

    public Arg<T> metavar(String m) {
        return new Arg<>(name, doc, m, group, parser, defaultValue, required, flag, repeatable);
    }

    /** The same argument, given any number of times; its value is the list (empty by default). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Arg<List<T>> repeatable() {
        Function<String, List<T>> p = s -> List.of(parser.apply(s));
        return new Arg(name, doc, metavar, group, p, List.of(), required, flag, true);
    }

    public String name() { return name; }
    public String doc() { return doc; }
    /** Placeholder for the value in help text, or null for a flag. */
    public String metavar() { return metavar; }
    public Group group() { return group; }
    public T defaultValue() { return defaultValue; }
    public boolean isRequired() { return required; }
    public boolean isFlag() { return flag; }
    public boolean isRepeatable() { return repeatable; }

    /** Parses one occurrence's text; throws IllegalArgumentException saying what was wanted. */
    public T parse(String text) { return parser.apply(text); }

    /** {@code --name=METAVAR} as help shows it. */
    public String usage() { return "--" + name + (flag ? "" : "=" + metavar); }

    @Override public String toString() { return usage(); }

    static int parseInt(String s, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number (want an integer " + min + ".." + max + ")");
        }
        if (v < min || v > max) throw new IllegalArgumentException(v + " is out of range (want " + min + ".." + max + ")");
        return v;
    }

    /** The parser of {@link #flag} switches ({@code true}/{@code false}, {@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code 0}), for a switch that takes its value. */
    public static boolean parseBoolean(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "", "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("'" + s + "' is not a switch value (want true or false)");
        };
    }

    /** The parser of {@link #duration} arguments, for an argument that checks more (a range) around it. */
    public static Duration parseDuration(String s) {
        String t = s.trim();
        try {
            if (t.startsWith("P") || t.startsWith("p")) return Duration.parse(t);
            int i = 0;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) i++;
            double n = Double.parseDouble(t.substring(0, i));
            String unit = t.substring(i);
            double nanos = switch (unit) {
                case "ns" -> n;
                case "us" -> n * 1e3;
                case "ms" -> n * 1e6;
                case "s", "" -> n * 1e9;
                case "m" -> n * 60e9;
                case "h" -> n * 3600e9;
                default -> throw new IllegalArgumentException();
            };
            if (n < 0) throw new IllegalArgumentException();
            return Duration.ofNanos((long) nanos);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + s + "' is not a duration (want e.g. 500ms, 30s, 5m, 1h)");
        }
    }
}
