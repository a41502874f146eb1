package io.morgana.net.link;

import io.morgana.api.Arg;
import io.morgana.api.Arg.Group;
import io.morgana.runtime.Boot;
import java.util.List;
import java.util.Locale;

/**
 * Boot arguments of the fault injector, for own-stack targets to add to
 * {@link io.morgana.runtime.Target#args()} ({@link #ALL}). {@code --pcap} is a standard argument
 * ({@link io.morgana.runtime.StandardArgs#PCAP}).
 */
public final class LinkArgs {
    private LinkArgs() {}

    public static final Arg<Double> DROP = probability("link-drop", "drop this fraction of frames, each direction (e.g. 0.05)");
    public static final Arg<Double> DUPLICATE = probability("link-dup", "duplicate this fraction of frames, each direction");
    public static final Arg<Double> REORDER = probability("link-reorder",
            "hold back this fraction of frames behind the next one, each direction");
    public static final Arg<Double> CORRUPT = probability("link-corrupt", "flip one bit in this fraction of frames, each direction");
    public static final Arg<Long> RATE = Arg.of("link-rate", "RATE", LinkArgs::parseRate, 0L,
            "limit each direction to RATE bytes per second (suffixes k, M, G; 0 = no limit), dropping the excess")
            .inGroup(Group.NETWORK);
    public static final Arg<Long> SEED = Arg.of("link-seed", "N", LinkArgs::parseSeed, null,
            "seed of the fault injector's choices, to repeat a run (default: random, logged)").inGroup(Group.NETWORK);

    /** All of them, in help order. */
    public static final List<Arg<?>> ALL = List.of(DROP, DUPLICATE, REORDER, CORRUPT, RATE, SEED);

    /** The faults the arguments ask for ({@link Faults#any()} false when none). */
    public static Faults faults(Boot boot) {
        Long seed = boot.arg(SEED);
        long s = seed != null ? seed : boot.random().nextLong();
        Faults f = new Faults(boot.arg(DROP), boot.arg(DUPLICATE), boot.arg(REORDER), boot.arg(CORRUPT), boot.arg(RATE), s);
        if (f.any() && seed == null) {
            System.getLogger("link").log(System.Logger.Level.INFO, "fault injector seed " + s + " (repeat with --link-seed=" + s + ")");
        }
        return f;
    }

    private static Arg<Double> probability(String name, String doc) {
        return Arg.of(name, "P", LinkArgs::parseProbability, 0.0, doc).inGroup(Group.NETWORK);
    }

    static double parseProbability(String s) {
        double p;
        try {
            p = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a probability (want a number 0..1, e.g. 0.05)");
        }
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(s + " is not a probability (want 0..1, e.g. 0.05)");
        return p;
    }

    static long parseRate(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("k")) mult = 1_000;
        else if (t.endsWith("m")) mult = 1_000_000;
        else if (t.endsWith("g")) mult = 1_000_000_000;
        if (mult > 1) t = t.substring(0, t.length() - 1);
        try {
            long v = (long) (Double.parseDouble(t) * mult);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a rate (want bytes per second, e.g. 1M or 500k)");
        }
    }

    static long parseSeed(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a seed (want an integer)");
        }
    }
}
