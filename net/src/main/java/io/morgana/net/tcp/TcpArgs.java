package io.morgana.net.tcp;

import io.morgana.api.Arg;
import io.morgana.api.Arg.Group;
import io.morgana.runtime.Boot;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Boot arguments of Morgana's TCP, for own-stack targets to add to
 * {@link io.morgana.runtime.Target#args()} ({@link #ALL}): what an operator may want to change
 * from {@link TcpConfig#defaults()} without rebuilding the appliance.
 */
public final class TcpArgs {
    private TcpArgs() {}

    public static final Arg<Duration> MSL = Arg.of("tcp-msl", "DURATION", TcpArgs::parseMsl, Duration.ofSeconds(30),
            "maximum segment lifetime; TIME_WAIT lasts twice this (RFC 9293; 1s..10m)").inGroup(Group.NETWORK);
    public static final Arg<String> CONGESTION_CONTROL = Arg.of("tcp-congestion-control", "NAME", TcpArgs::parseCc, "cubic",
            "congestion control of new connections: cubic (RFC 9438) or reno (RFC 5681)").inGroup(Group.NETWORK);

    /** All of them, in help order. */
    public static final List<Arg<?>> ALL = List.of(MSL, CONGESTION_CONTROL);

    /** {@link TcpConfig#defaults()} with what the arguments change. */
    public static TcpConfig config(Boot boot) {
        return TcpConfig.defaults().withMsl(boot.arg(MSL)).withCongestionControl(boot.arg(CONGESTION_CONTROL));
    }

    static Duration parseMsl(String s) {
        Duration d = Arg.parseDuration(s); // 500ms, 30s, 5m, ISO-8601
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(s + " is out of range for the MSL (want 1s..10m; Linux's TIME_WAIT is 60 s, an MSL of 30s)");
        }
        return d;
    }

    static String parseCc(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (!t.equals("cubic") && !t.equals("reno")) throw new IllegalArgumentException("'" + s + "' is not a congestion control (want cubic or reno)");
        return t;
    }
}
