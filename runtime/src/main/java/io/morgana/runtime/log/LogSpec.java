package io.morgana.runtime.log;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which log records pass, per source: the value of {@code --logs}, e.g. {@code *:info,tcp:debug}.
 * A source matches its own entry, else its nearest dotted parent ({@code net.arp} falls back to
 * {@code net}), else {@code *}. Immutable.
 */
public final class LogSpec {

    /** The default: everything at info. */
    public static final LogSpec DEFAULT = new LogSpec(Level.INFO, Map.of(), "*:info");

    private final Level fallback;
    private final Map<String, Level> bySource;
    private final String text;

    private LogSpec(Level fallback, Map<String, Level> bySource, String text) {
        this.fallback = fallback;
        this.bySource = bySource;
        this.text = text;
    }

    /**
     * Parses {@code SOURCE:LEVEL,...}; a bare {@code LEVEL} means {@code *:LEVEL}.
     *
     * @throws IllegalArgumentException saying what was wanted
     */
    public static LogSpec parse(String spec) {
        Level fallback = Level.INFO;
        Map<String, Level> m = new HashMap<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int colon = p.lastIndexOf(':');
            String source = colon < 0 ? "*" : p.substring(0, colon).trim();
            Level level = level(colon < 0 ? p : p.substring(colon + 1).trim(), p);
            if (source.isEmpty()) throw new IllegalArgumentException("'" + p + "' names no source (want SOURCE:LEVEL, e.g. tcp:debug)");
            if (source.equals("*")) fallback = level; else m.put(source, level);
        }
        return new LogSpec(fallback, Map.copyOf(m), spec);
    }

    private static Level level(String name, String part) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.ERROR;
            case "warn", "warning" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.DEBUG;
            case "trace", "all" -> Level.TRACE;
            case "off", "none" -> Level.OFF;
            default -> throw new IllegalArgumentException("'" + part + "' has no known level (want SOURCE:LEVEL with a level of "
                    + "error, warn, info, debug, trace or off, e.g. '*:info,tcp:debug')");
        };
    }

    /** The lowest level that passes for {@code source}. */
    public Level threshold(String source) {
        if (bySource.isEmpty()) return fallback;
        String s = source;
        while (true) {
            Level l = bySource.get(s);
            if (l != null) return l;
            int dot = s.lastIndexOf('.');
            if (dot < 0) return fallback;
            s = s.substring(0, dot);
        }
    }

    @Override public String toString() { return text; }
}
