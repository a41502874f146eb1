package io.morgana.tool;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines for long steps, on standard error so that standard output stays clean data. */
public final class Progress {

    private final PrintStream out;

    public Progress(PrintStream out) { this.out = out; }

    public static Progress stderr() { return new Progress(System.err); }

    public void say(String line) {
        out.println("morgana: " + line);
        out.flush();
    }

    /** Starts a step: prints {@code what…} now and, on {@link Step#done()}, how long it took. */
    public Step step(String what) {
        say(what + "…");
        return new Step(what, System.nanoTime());
    }

    public final class Step {
        private final String what;
        private final long start;

        private Step(String what, long start) {
            this.what = what;
            this.start = start;
        }

        public void done() {
            say(String.format(Locale.ROOT, "%s: done in %.1f s", what, (System.nanoTime() - start) / 1e9));
        }
    }
}
