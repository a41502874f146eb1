package io.morgana.runtime.log;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/** A {@link System.Logger} for one source. {@link #isLoggable} is a thread-local read and a compare. */
final class MorganaLogger implements System.Logger {

    private final String source;
    /** The last spec looked at and its threshold for this source: one immutable pair, racy but safe. */
    private volatile Cached cached = new Cached(null, Level.INFO);

    private record Cached(LogSpec spec, Level threshold) {}

    MorganaLogger(String source) { this.source = source; }

    @Override public String getName() { return source; }

    @Override public boolean isLoggable(Level level) {
        return passes(LogSink.current(), level);
    }

    private boolean passes(LogSink sink, Level level) {
        if (level == Level.OFF) return false;
        LogSpec spec = sink.spec();
        Cached c = cached;
        if (c.spec != spec) cached = c = new Cached(spec, spec.threshold(source));
        return level.getSeverity() >= c.threshold.getSeverity() && c.threshold != Level.OFF;
    }

    @Override public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        LogSink sink = LogSink.current();
        if (passes(sink, level)) sink.write(level, source, msg, thrown);
    }

    @Override public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        LogSink sink = LogSink.current();
        if (!passes(sink, level)) return;
        String msg = format;
        if (params != null && params.length > 0 && format != null) {
            try {
                msg = MessageFormat.format(format, params);
            } catch (IllegalArgumentException e) {
                msg = format + " " + java.util.Arrays.toString(params);
            }
        }
        sink.write(level, source, msg, null);
    }

    @Override public void log(Level level, Supplier<String> msgSupplier, Throwable thrown) {
        LogSink sink = LogSink.current();
        if (passes(sink, level)) sink.write(level, source, msgSupplier.get(), thrown);
    }

    @Override public void log(Level level, Supplier<String> msgSupplier) {
        log(level, msgSupplier, null);
    }
}
