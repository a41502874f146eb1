package io.morgana.target.tap;

import io.morgana.api.Arg;
import io.morgana.api.Device;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.MacAddress;
import io.morgana.api.Stack;
import io.morgana.net.dhcp.DhcpService;
import io.morgana.net.link.Link;
import io.morgana.net.stack.NetStack;
import io.morgana.net.tcp.TcpArgs;
import io.morgana.net.tcp.TcpService;
import io.morgana.runtime.Boot;
import io.morgana.runtime.BootException;
import io.morgana.runtime.StandardArgs;
import io.morgana.runtime.Target;
import io.morgana.runtime.loop.ThreadLoop;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code -t tap}: the appliance carries Morgana's own TCP/IP stack and the host only moves
 * Ethernet frames through a TAP interface ({@code --interface}). IPv4 is static
 * ({@code --ipv4}, {@code --ipv4-gateway}) or from DHCP ({@code --dhcp}); {@code --pcap} and the
 * fault-injection arguments wrap the link in the net module's middleware.
 */
public final class TapTarget implements Target {
    /**
     * In a holder: the first logger looked up scans every jar for a LoggerFinder, and the target is
     * created before its {@link #warmUp}, which should start first.
     */
    private static final class Log {
        static final Logger LOG = System.getLogger("tap");
    }

    public static final Arg<MacAddress> MAC = Arg.of("mac", "MAC", MacAddress::parse, null,
            "our Ethernet address on the TAP link (default: a random locally administered one)")
            .inGroup(Arg.Group.NETWORK);
    public static final Arg<String> NETNS = Arg.string("netns", null,
            "open --interface inside this network namespace (a name from 'ip netns list', or a path); "
                    + "the appliance itself stays where it runs").inGroup(Arg.Group.NETWORK).metavar("NAME");

    public static final Arg<Boolean> OFFLOAD = Arg.of("tap-offload", "true|false", Arg::parseBoolean, true,
            "let the kernel do checksums and TCP segmentation (IFF_VNET_HDR: 64 KiB TCP super-segments both ways); "
                    + "false for one plain frame per read and write and every checksum ours (debugging, exact captures)")
            .inGroup(Arg.Group.NETWORK);

    /** The loop's spin before it parks; see {@link ThreadLoop}. */
    public static final Arg<Duration> LOOP_SPIN = Arg.of("loop-spin", "DURATION", TapTarget::parseSpin, Duration.ofNanos(50_000),
            "after handling traffic, how long the stack's loop keeps looking for more before it sleeps, giving way "
                    + "to any thread ready to run: a reply or request within it saves the tens of microseconds of waking it "
                    + "(0 to sleep at once, for the least CPU; at most 10ms)")
            .inGroup(Arg.Group.NETWORK);

    private static Duration parseSpin(String s) {
        Duration d = Arg.parseDuration(s);
        if (d.isNegative() || d.compareTo(Duration.ofMillis(10)) > 0) {
            throw new IllegalArgumentException("'" + s + "' is out of range: want 0 to 10ms, e.g. 50us");
        }
        return d;
    }

    @Override public String name() { return "tap"; }

    @Override public String summary() { return "Morgana's own TCP/IP stack on a Linux TAP interface"; }

    @Override public String requirements() {
        return "Linux with /dev/net/tun; root or CAP_NET_ADMIN to create the interface (attaching to one made "
                + "beforehand with 'ip tuntap add dev NAME mode tap user USER' needs neither); "
                + "--netns needs CAP_SYS_ADMIN";
    }

    @Override public Set<Device.Kind> provides() { return EnumSet.allOf(Device.Kind.class); }

    @Override public List<Arg<?>> args() {
        List<Arg<?>> args = new ArrayList<>(List.of(MAC, NETNS, OFFLOAD, LOOP_SPIN));
        args.addAll(Middleware.args());
        args.addAll(TcpArgs.ALL);
        return args;
    }

    /**
     * Links the driver's downcalls on a background thread while boot parses arguments and builds the
     * rest (see {@link Libc.Background}). Only where native access is enabled: elsewhere linking would
     * warn or fail, and boot then does it where it can report it.
     */
    @Override public void warmUp() {
        if (!TapTarget.class.getModule().isNativeAccessEnabled()) return;
        Libc.Background.start(e -> Log.LOG.log(Level.DEBUG, "linking the TAP driver's downcalls ahead of boot failed: {0}", e.toString()));
    }

    @Override public Stack openStack(Boot boot) throws BootException {
        Ipv4Prefix ipv4 = boot.arg(StandardArgs.IPV4);
        Ipv4Address gateway = boot.arg(StandardArgs.IPV4_GATEWAY);
        boolean dhcp = boot.arg(StandardArgs.DHCP);
        if (dhcp && ipv4 != null) {
            throw new BootException(BootException.USAGE, "--dhcp and --ipv4 exclude each other: pick one");
        }
        if (!dhcp && ipv4 == null) {
            throw new BootException(BootException.USAGE, "tap needs an address: --ipv4=A.B.C.D/LEN (with --ipv4-gateway=A.B.C.D "
                    + "to reach beyond the subnet), or --dhcp");
        }
        if (gateway != null && (ipv4 == null || !ipv4.contains(gateway))) {
            throw new BootException(BootException.USAGE, "--ipv4-gateway=" + gateway + " is not on the subnet of --ipv4="
                    + ipv4 + ": give a gateway on the interface's subnet");
        }
        String ifname = boot.arg(StandardArgs.INTERFACE);
        // The fault injector hides offloads from the stack; without them on the device too, its
        // faults (and a lossy wire) act on real, MTU-sized frames rather than on the kernel's super-segments.
        boolean faults = Middleware.faults(boot).any();
        if (faults && boot.given(OFFLOAD) && boot.arg(OFFLOAD)) {
            Log.LOG.log(Level.WARNING, "--tap-offload is off while the fault injector (--link-*) is on");
        }
        TapDevice device = TapDevice.open(ifname, boot.arg(NETNS), boot.arg(OFFLOAD) && !faults);
        MacAddress mac = boot.given(MAC) ? boot.arg(MAC) : TapLink.randomMac(boot.random());
        TapLink tap = new TapLink(device, mac);
        Link link;
        try {
            link = Middleware.pcap(tap, boot);
        } catch (BootException | RuntimeException e) {
            tap.close();
            throw e;
        }
        Log.LOG.log(Level.INFO, (device.created() ? "created " : "attached to ") + "TAP interface " + ifname
                + (boot.arg(NETNS) != null ? " in network namespace " + boot.arg(NETNS) : "")
                + ", mtu " + device.mtu() + ", our mac " + mac + (device.offloads() ? ", checksum and TCP segmentation offload" : ", no offloads")
                + (dhcp ? ", address by DHCP" : ", address " + ipv4 + (gateway != null ? " via " + gateway : "")));
        if (!device.up()) Log.LOG.log(Level.WARNING, "TAP interface " + ifname + " is down on the host side: bring it up (ip link set "
                + ifname + " up) or no frame will pass");

        ThreadLoop loop = ThreadLoop.start("stack-" + ifname, boot.arg(LOOP_SPIN).toNanos());
        NetStack stack = NetStack.builder(link, loop).random(boot.random()).ipv4(ipv4).gateway(gateway)
                .faults(Middleware.faults(boot)).tcp(TcpService.factory(TcpArgs.config(boot))).build().start();
        DhcpService dhcpService = dhcp ? DhcpService.start(stack, boot.arg(StandardArgs.NAME), null) : null;
        if (dhcpService != null) tap.onLinkUp(dhcpService::linkReconnected);
        boot.onShutdown(() -> {
            if (dhcpService != null) dhcpService.close();
            stack.close();
            loop.close();
        });
        return stack;
    }
}
