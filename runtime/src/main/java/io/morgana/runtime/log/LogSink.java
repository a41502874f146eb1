package io.morgana.runtime.log;

import io.morgana.api.CivilDate;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the log lines of one running appliance go, and which pass ({@link LogSpec}). One line per
 * record: {@code 2026-11-23T16:13:08.123Z INFO  [tcp] message} (control characters in the message
 * escaped), then the exception's stack trace.
 *
 * <p>A process has a {@link #global()} sink writing to stderr; an in-process launch (tests) binds a
 * capturing sink to its threads with {@link #bindToCurrentThread}, which threads started from them
 * inherit (virtual threads included).
 */
public final class LogSink {

    private static final LogSink GLOBAL = new LogSink(System.err, null);
    private static final InheritableThreadLocal<LogSink> CURRENT = new InheritableThreadLocal<>();

    /** Most lines a capturing sink keeps; past it the oldest half is dropped. */
    public static final int MAX_CAPTURED = 100_000;

    private volatile LogSpec spec = LogSpec.DEFAULT;
    /** Lines dropped from the front of {@link #captured} so far (keeps {@link #await}'s position stable). */
    private long dropped;
    private final PrintStream out;
    private final List<String> captured;
    private final List<Consumer<String>> listeners = new ArrayList<>();

    private LogSink(PrintStream out, List<String> captured) {
        this.out = out;
        this.captured = captured;
    }

    /** The process-wide sink: stderr. */
    public static LogSink global() { return GLOBAL; }

    /** A sink that keeps every line (and copies it to {@code echo} if not null). */
    public static LogSink capturing(PrintStream echo) { return new LogSink(echo, new ArrayList<>()); }

    /** The sink for the calling thread: the one bound to it (or inherited), else the global one. */
    public static LogSink current() {
        LogSink s = CURRENT.get();
        return s == null ? GLOBAL : s;
    }

    /** Makes this the sink of the calling thread and of threads it starts from now on. */
    public void bindToCurrentThread() { CURRENT.set(this); }

    public LogSpec spec() { return spec; }

    public void spec(LogSpec s) { spec = s; }

    /** Writes one record (the caller checked the level). */
    public void write(Level level, String source, String message, Throwable thrown) {
        StringBuilder sb = new StringBuilder(64 + (message == null ? 4 : message.length()));
        appendTime(sb, System.currentTimeMillis());
        sb.append(' ').append(switch (level) {
            case ERROR -> "ERROR";
            case WARNING -> "WARN ";
            case INFO -> "INFO ";
            case DEBUG -> "DEBUG";
            default -> "TRACE";
        }).append(" [").append(source).append("] ");
        appendEscaped(sb, message);
        if (thrown != null) {
            java.io.StringWriter w = new java.io.StringWriter();
            thrown.printStackTrace(new java.io.PrintWriter(w));
            sb.append(System.lineSeparator()).append(w.toString().stripTrailing());
        }
        String line = sb.toString();
        List<Consumer<String>> ls;
        synchronized (this) {
            if (captured != null) {
                if (captured.size() >= MAX_CAPTURED) {
                    captured.subList(0, MAX_CAPTURED / 2).clear();
                    dropped += MAX_CAPTURED / 2;
                }
                captured.add(line);
            }
            ls = listeners.isEmpty() ? List.of() : List.copyOf(listeners);
            notifyAll();
        }
        if (out != null) out.println(line);
        for (Consumer<String> l : ls) l.accept(line);
    }

    /**
     * Appends {@code yyyy-MM-ddTHH:mm:ss.SSSZ} (UTC) of a POSIX time in milliseconds. Written out on
     * {@link CivilDate}: a {@code java.time} formatter costs a few milliseconds of boot (and loads
     * the time-zone classes) for this one fixed pattern.
     */
    static void appendTime(StringBuilder sb, long epochMilli) {
        long day = Math.floorDiv(epochMilli, 86_400_000L);
        int milli = (int) Math.floorMod(epochMilli, 86_400_000L);
        CivilDate d = CivilDate.ofEpochDay(day);
        CivilDate.appendPadded(sb, d.year(), 4).append('-');
        CivilDate.appendPadded(sb, d.month(), 2).append('-');
        CivilDate.appendPadded(sb, d.day(), 2).append('T');
        CivilDate.appendPadded(sb, milli / 3_600_000, 2).append(':');
        CivilDate.appendPadded(sb, milli / 60_000 % 60, 2).append(':');
        CivilDate.appendPadded(sb, milli / 1000 % 60, 2).append('.');
        CivilDate.appendPadded(sb, milli % 1000, 3).append('Z');
    }

    /**
     * Appends {@code text} with control characters escaped ({@code \n}, {@code \r}, {@code \xNN}; C1 controls
     * and line/paragraph separators as {@code \}{@code uNNNN}):
     * a message that carries hostile input (a request path, a DNS name) cannot forge log lines.
     */
    static void appendEscaped(StringBuilder sb, String text) {
        if (text == null) {
            sb.append("null");
            return;
        }
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x7f && c < 0xa0 || c == 0x2028 || c == 0x2029) sb.append(String.format("\\u%04x", (int) c));
            else if (c >= 0x20 || c == '\t') sb.append(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
        }
    }

    /** The lines captured so far (empty for a sink that does not capture). */
    public synchronized List<String> lines() { return captured == null ? List.of() : List.copyOf(captured); }

    /** Calls {@code listener} with every later line, on the logging thread. */
    public synchronized void listen(Consumer<String> listener) { listeners.add(listener); }

    /**
     * Waits until a captured line contains {@code text}; returns it, or null when {@code timeoutMillis}
     * passes first.
     */
    public synchronized String await(String text, long timeoutMillis) throws InterruptedException {
        if (captured == null) throw new IllegalStateException("this sink does not capture");
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long seen = dropped; // absolute index of the next line to look at
        while (true) {
            for (seen = Math.max(seen, dropped); seen - dropped < captured.size(); seen++) {
                String line = captured.get((int) (seen - dropped));
                if (line.contains(text)) return line;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
