package io.morgana.runtime;

import io.morgana.api.Arg;
import io.morgana.api.Arg.Group;
import io.morgana.api.Endpoint;
import io.morgana.api.IpAddress;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Boot arguments every appliance has, whatever it declares. Network ones are read by targets with
 * their own stack ({@code tap}, {@code spt}); on {@code unix} they are accepted and ignored with a
 * warning, so one command line works on every target.
 */
public final class StandardArgs {
    private StandardArgs() {}

    public static final Arg<String> LOGS = Arg.string("logs", "*:info",
            "log levels per source, e.g. '*:info,tcp:debug' (levels: error warn info debug trace off)").inGroup(Group.LOGGING).metavar("SPEC");
    public static final Arg<Boolean> HELP = Arg.flag("help", "print the boot arguments and exit").inGroup(Group.RUNTIME);
    public static final Arg<Boolean> VERSION = Arg.flag("version", "print the Morgana version and exit").inGroup(Group.RUNTIME);
    public static final Arg<Duration> GRACE = Arg.duration("stop-grace", Duration.ofSeconds(5),
            "on SIGTERM/SIGINT, how long open connections may finish before they are cut").inGroup(Group.RUNTIME);

    public static final Arg<Ipv4Prefix> IPV4 = Arg.ipv4Prefix("ipv4", null,
            "static interface address and prefix (own-stack targets)").inGroup(Group.NETWORK);
    public static final Arg<Ipv4Address> IPV4_GATEWAY = Arg.ipv4("ipv4-gateway", null,
            "default IPv4 gateway (own-stack targets)").inGroup(Group.NETWORK);
    public static final Arg<Boolean> DHCP = Arg.flag("dhcp", "configure IPv4 by DHCP (own-stack targets)").inGroup(Group.NETWORK);
    public static final Arg<String> INTERFACE = Arg.string("interface", "tap0",
            "host TAP interface to attach to; created when absent and privileged").inGroup(Group.NETWORK).metavar("NAME");
    public static final Arg<String> PCAP = Arg.string("pcap", null,
            "write every frame of the link to FILE in pcap format (tcpdump, tshark)").inGroup(Group.NETWORK).metavar("FILE");
    public static final Arg<List<Endpoint>> DNS_SERVERS = Arg.<List<Endpoint>>of("dns-servers", "ADDR[:PORT],...", StandardArgs::servers, List.of(),
            "DNS servers for the appliance's resolver (default: from DHCP, or the host's on unix)").inGroup(Group.NETWORK);
    public static final Arg<String> NAME = Arg.string("name", null,
            "host name (sent in DHCP)").inGroup(Group.NETWORK).metavar("NAME");

    /** All of the above, in help order. */
    public static final List<Arg<?>> ALL = List.of(HELP, VERSION, LOGS, GRACE, IPV4, IPV4_GATEWAY, DHCP, DNS_SERVERS, INTERFACE, PCAP, NAME);

    /** {@code 10.0.0.1,10.0.0.2:5353,[::1]:53}: port 53 unless given. */
    static List<Endpoint> servers(String text) {
        List<Endpoint> out = new ArrayList<>();
        for (String s : text.split(",")) {
            String t = s.trim();
            if (t.isEmpty()) continue;
            boolean hasPort = t.startsWith("[") ? t.contains("]:") : t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':');
            out.add(hasPort ? Endpoint.parse(t) : new Endpoint(IpAddress.parse(t.replace("[", "").replace("]", "")), 53));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("want one or more addresses, e.g. 10.0.0.1,10.0.0.2:5353");
        return List.copyOf(out);
    }
}
