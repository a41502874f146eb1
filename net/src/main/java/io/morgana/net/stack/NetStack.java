package io.morgana.net.stack;

import io.morgana.api.IpAddress;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.Random;
import io.morgana.api.Stack;
import io.morgana.api.Tcp;
import io.morgana.api.Udp;
import io.morgana.net.arp.Arp;
import io.morgana.net.icmp.Icmp;
import io.morgana.net.ipv4.Ipv4;
import io.morgana.net.ipv4.Ipv4Service;
import io.morgana.net.ipv4.Reassembler;
import io.morgana.net.link.CountingLink;
import io.morgana.net.link.FaultInjector;
import io.morgana.net.link.Faults;
import io.morgana.net.link.Link;
import io.morgana.net.link.LinkArgs;
import io.morgana.net.link.PcapWriter;
import io.morgana.net.udp.UdpLayer;
import io.morgana.net.udp.UdpSockets;
import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.net.wire.EthernetFrame;
import io.morgana.runtime.Boot;
import io.morgana.runtime.BootException;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelRandom;
import io.morgana.runtime.StandardArgs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Morgana's own TCP/IP stack over one {@link Link}, owned by one {@link EventLoop}: Ethernet, ARP,
 * IPv4, ICMP and UDP from this module, TCP plugged in by a {@link TcpFactory}. Every protocol
 * runs on the loop thread; the {@link Stack} methods may be called from any thread.
 *
 * <p>Built with {@link #builder}, then {@link #start()}ed (which starts the link and announces
 * the address). DHCP sets and clears the address through {@link #configureIpv4}/{@link #clearIpv4}.
 */
public final class NetStack implements Stack, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stack");
    private static final long TICK_NANOS = 100_000_000L;

    enum Reason { TRUNCATED, NOT_FOR_US, UNKNOWN_TYPE, INTERNAL_ERROR }

    private final EventLoop loop;
    private final Link link;
    private final Random random;
    private final Counters counters;
    private final Arp arp;
    private final Ipv4 ipv4;
    private final Icmp icmp;
    private final UdpLayer udpLayer;
    private final UdpSockets udp;
    private final TcpFactory tcpFactory;
    private final EthernetFrame eth = new EthernetFrame();
    private final Counter[] drops;
    private final long mac;
    private volatile Tcp tcp;
    private volatile List<IpAddress> addresses = List.of();
    private volatile List<IpAddress> dnsServers = List.of();
    private boolean ticking;
    private volatile boolean closed;

    private NetStack(Builder b, Link wrapped, Counters counters) {
        this.counters = counters;
        this.loop = b.loop;
        this.random = b.random;
        this.link = new CountingLink(wrapped, counters);
        this.mac = link.mac().bits();
        this.arp = new Arp(link, loop::nanoTime, counters, b.arpLimits, this::wantTick);
        this.ipv4 = new Ipv4(link, arp, loop::nanoTime, loop, counters, b.reassemblyLimits, random.nextInt(65536), this::wantTick);
        this.icmp = new Icmp(ipv4, loop::nanoTime, counters, b.icmpLimits);
        this.udpLayer = new UdpLayer(ipv4, icmp, random, counters);
        this.udp = new UdpSockets(udpLayer, loop, counters);
        this.drops = counters.perReason("eth.rx.drop", Reason.class);
        this.tcpFactory = b.tcp != null ? b.tcp : ServiceLoader.load(TcpFactory.class).findFirst().orElse(null);
        // A static address holds from the start, so that the appliance never sees the stack without it.
        if (b.prefix != null) {
            ipv4.configure(b.prefix, b.gateway, false);
            addresses = List.of(b.prefix.address());
        }
    }

    public static Builder builder(Link link, EventLoop loop) { return new Builder(link, loop); }

    private static Random kernelRandom() {
        try {
            return KernelRandom.shared();
        } catch (BootException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Builds a {@link NetStack}. */
    public static final class Builder {
        private final Link link;
        private final EventLoop loop;
        /** Null: the kernel's ({@link KernelRandom}), taken when the stack is built. */
        private Random random;
        private Ipv4Prefix prefix;
        private Ipv4Address gateway;
        private TcpFactory tcp;
        private Arp.Limits arpLimits = Arp.Limits.DEFAULT;
        private Reassembler.Limits reassemblyLimits = Reassembler.Limits.DEFAULT;
        private Icmp.Limits icmpLimits = Icmp.Limits.DEFAULT;
        private Faults faults = Faults.NONE;
        private Path pcap;

        private Builder(Link link, EventLoop loop) {
            this.link = Objects.requireNonNull(link, "link");
            this.loop = Objects.requireNonNull(loop, "loop");
        }

        /** The static address ({@code --ipv4}); none means wait for DHCP. */
        public Builder ipv4(Ipv4Prefix p) { prefix = p; return this; }

        /** The default gateway ({@code --ipv4-gateway}); must be on the subnet. */
        public Builder gateway(Ipv4Address g) { gateway = g; return this; }

        /** Randomness for IP identifications, ephemeral ports and TCP (seeded under simulation). */
        public Builder random(Random r) { random = Objects.requireNonNull(r); return this; }

        public Builder tcp(TcpFactory f) { tcp = f; return this; }

        public Builder arpLimits(Arp.Limits l) { arpLimits = l; return this; }

        public Builder reassemblyLimits(Reassembler.Limits l) { reassemblyLimits = l; return this; }

        public Builder icmpLimits(Icmp.Limits l) { icmpLimits = l; return this; }

        /** Puts a fault injector under the stack ({@code --link-drop} and friends). */
        public Builder faults(Faults f) { faults = Objects.requireNonNull(f); return this; }

        /** Records every frame the stack sends and receives in {@code file} ({@code --pcap}). */
        public Builder pcap(Path file) { pcap = file; return this; }

        /**
         * Takes {@code --ipv4}, {@code --ipv4-gateway}, {@code --pcap} and the fault injector's
         * arguments ({@link LinkArgs}) from the boot arguments, and the boot's randomness. Without
         * {@code --ipv4} the stack starts with no address (for {@code --dhcp}); neither given is a
         * usage error.
         */
        public Builder configure(Boot boot) throws BootException {
            random = boot.random();
            prefix = boot.arg(StandardArgs.IPV4);
            gateway = boot.arg(StandardArgs.IPV4_GATEWAY);
            if (prefix == null && !boot.arg(StandardArgs.DHCP)) {
                throw new BootException(BootException.USAGE,
                        "no IPv4 configuration: give --ipv4=ADDRESS/LENGTH (e.g. --ipv4=10.0.0.2/24, with --ipv4-gateway=10.0.0.1) or --dhcp");
            }
            if (prefix != null && boot.arg(StandardArgs.DHCP)) {
                throw new BootException(BootException.USAGE, "--ipv4 and --dhcp both given: choose a static address or DHCP");
            }
            if (gateway != null && prefix != null && !prefix.contains(gateway)) {
                throw new BootException(BootException.USAGE, "--ipv4-gateway=" + gateway + " is not on the subnet of --ipv4="
                        + prefix + " (" + prefix.network() + "/" + prefix.length() + "); give a gateway on that subnet");
            }
            faults = LinkArgs.faults(boot);
            String p = boot.arg(StandardArgs.PCAP);
            pcap = p == null ? null : Path.of(p);
            return this;
        }

        /** Opens the pcap file if asked; the rest cannot fail but for a wrong gateway. */
        public NetStack buildChecked() throws BootException {
            try {
                return build();
            } catch (UncheckedIOException e) {
                throw new BootException(BootException.OSERR, "cannot write the --pcap file " + pcap + ": "
                        + e.getCause().getMessage() + " (check the directory exists and is writable)", e);
            }
        }

        /**
         * Builds the stack; throws UncheckedIOException if the pcap file cannot be opened,
         * IllegalStateException if no randomness was given and {@code /dev/urandom} cannot be opened.
         */
        public NetStack build() {
            if (gateway != null && (prefix == null || !prefix.contains(gateway))) {
                throw new IllegalArgumentException("gateway " + gateway + " is not on the subnet "
                        + (prefix == null ? "(no --ipv4 given)" : prefix.network() + "/" + prefix.length())
                        + "; give a gateway on the interface's subnet");
            }
            if (random == null) random = kernelRandom();
            Link l = link;
            Counters counters = new Counters();
            if (faults.any()) l = new FaultInjector(l, faults, counters);
            if (pcap != null) {
                try {
                    l = new PcapWriter(l, pcap);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new NetStack(this, l, counters);
        }
    }

    /**
     * Installs TCP (at once, so that {@link #tcp()} works as soon as this returns), then starts the
     * link and announces the static address if any on the loop. Call once, from any thread; returns
     * at once.
     */
    public NetStack start() {
        if (tcpFactory != null && tcp == null) {
            try {
                tcp = tcpFactory.create(this);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "TCP failed to start: " + e, e);
            }
        }
        loop.execute(() -> {
            link.start(loop, new Link.Receiver() {
                @Override public void receive(ByteBuffer frame) { onFrame(frame, false); }

                @Override public void receiveVerified(ByteBuffer frame, boolean partial) { onFrame(frame, true); }

                @Override public void endOfBatch() {
                    try {
                        ipv4.endOfBatch();
                    } catch (RuntimeException e) {
                        drops[Reason.INTERNAL_ERROR.ordinal()].inc();
                        LOG.log(Level.WARNING, "end of batch failed by an internal error: " + e, e);
                    }
                }
            });
            arp.announce();
        });
        return this;
    }

    /** @param verified the link vouches for the transport checksum (it may be partial: never verify it then) */
    private void onFrame(ByteBuffer frame, boolean verified) {
        try {
            frame.order(ByteOrder.BIG_ENDIAN);
            int off = frame.position(), len = frame.remaining();
            if (eth.wrap(frame, off, len) != null) {
                drops[Reason.TRUNCATED.ordinal()].inc();
                return;
            }
            long dst = eth.destination();
            if (dst != mac && dst != 0xffff_ffff_ffffL) {
                drops[Reason.NOT_FOR_US.ordinal()].inc();
                return;
            }
            switch (eth.etherType()) {
                case EthernetFrame.TYPE_IPV4 -> ipv4.receive(frame, eth.payloadOffset(), eth.payloadLength(), verified);
                case EthernetFrame.TYPE_ARP -> arp.receive(frame, eth.payloadOffset(), eth.payloadLength());
                default -> drops[Reason.UNKNOWN_TYPE.ordinal()].inc();
            }
        } catch (RuntimeException e) {
            // A bug, not bad input: bad input is counted by the layer that rejects it.
            drops[Reason.INTERNAL_ERROR.ordinal()].inc();
            LOG.log(Level.WARNING, "frame dropped by an internal error: " + e, e);
        }
    }

    /**
     * {@link #tick} as a task. A class of its own, not {@code this::tick}: the build's AOT cache did
     * not keep that method reference's lambda class, so the first timer of every boot generated it
     * (~1.5 ms on the stack's thread, before the first frame).
     */
    private final Runnable tickTask = new Runnable() {
        @Override public void run() { tick(); }
    };

    private void wantTick() {
        if (ticking || closed) return;
        ticking = true;
        loop.schedule(loop.nanoTime() + TICK_NANOS, tickTask);
    }

    private void tick() {
        ticking = false;
        long now = loop.nanoTime();
        boolean again = arp.tick(now);
        again |= ipv4.tick(now);
        if (again) wantTick();
    }

    /**
     * Sets the IPv4 address and gateway (DHCP's hook; any thread). The address is announced by a
     * gratuitous ARP.
     */
    public void configureIpv4(Ipv4Prefix prefix, Ipv4Address gateway) {
        Objects.requireNonNull(prefix, "prefix");
        if (gateway != null && !prefix.contains(gateway)) {
            throw new IllegalArgumentException("gateway " + gateway + " is not on " + prefix);
        }
        loop.execute(() -> applyIpv4(prefix, gateway));
    }

    /** Removes the IPv4 address (a DHCP lease expired); any thread. */
    public void clearIpv4() { loop.execute(() -> applyIpv4(null, null)); }

    private void applyIpv4(Ipv4Prefix prefix, Ipv4Address gateway) {
        ipv4.configure(prefix, gateway, true);
        addresses = prefix == null ? List.of() : List.of(prefix.address());
    }

    @Override public Tcp tcp() {
        Tcp t = tcp;
        return t != null ? t : NoTcp.INSTANCE;
    }

    @Override public Udp udp() { return udp; }

    @Override public List<IpAddress> addresses() { return addresses; }

    @Override public List<IpAddress> dnsServers() { return dnsServers; }

    /** Sets the interface MTU a lease named (DHCP option 26); 0 restores the link's. Any thread. */
    public void interfaceMtu(int mtu) { loop.execute(() -> ipv4.interfaceMtu(mtu)); }

    /** Sets the DNS servers a lease named (DHCP option 6); empty when the lease goes. Any thread. */
    public void dnsServers(List<? extends IpAddress> servers) { dnsServers = List.copyOf(servers); }

    @Override public Map<String, Long> counters() { return counters.snapshot(); }

    /** The counters themselves, for layers plugged in (TCP) to register theirs. */
    public Counters counterRegistry() { return counters; }

    public EventLoop loop() { return loop; }

    public Random random() { return random; }

    /** The IPv4 layer, for transports (TCP registers protocol 6 here). Loop thread. */
    public Ipv4Service ipv4() { return ipv4; }

    /** The link as the stack sees it (counted), for its MAC and MTU. */
    public Link link() { return link; }

    /** The UDP layer, for internal users (DHCP binds port 68 here). */
    public UdpLayer udpLayer() { return udpLayer; }

    public Icmp icmp() { return icmp; }

    public Arp arp() { return arp; }

    public Reassembler reassembler() { return ipv4.reassembler(); }

    /**
     * Closes the link and TCP; logs the counters that moved at debug level under {@code stack}.
     * Any thread (the runtime calls it at shutdown); idempotent.
     */
    @Override public void close() {
        if (closed) return;
        closed = true;
        link.close(); // links may be closed from any thread
        if (tcp instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing TCP: " + e);
            }
        }
        LOG.log(Level.DEBUG, () -> "counters at shutdown: " + counters.snapshot(true));
    }

    /** Stands in for TCP until one is plugged in: every call fails with a clear IOException. */
    private static final class NoTcp implements Tcp {
        static final NoTcp INSTANCE = new NoTcp();

        @Override public io.morgana.api.Listener listen(int port) throws IOException {
            throw new IOException("TCP not available on this stack yet (no TcpFactory is plugged into NetStack)");
        }

        @Override public io.morgana.api.Flow connect(io.morgana.api.Endpoint remote, Duration timeout) throws IOException {
            throw new IOException("TCP not available on this stack yet (no TcpFactory is plugged into NetStack)");
        }
    }
}
