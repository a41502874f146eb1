package io.morgana.net.ipv4;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.net.arp.Arp;
import io.morgana.net.link.Link;
import io.morgana.net.link.Offloads;
import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.net.wire.Checksum;
import io.morgana.net.wire.EthernetFrame;
import io.morgana.net.wire.Ipv4Packet;
import io.morgana.net.wire.Malformed;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * IPv4 on one interface (RFC 791, RFC 1122): address and prefix, a default gateway, delivery to
 * registered transports, reassembly ({@link Reassembler}) and fragmentation, next hop resolution
 * through {@link Arp}. Loop thread only, except {@link #address()} which any thread may read.
 */
public final class Ipv4 implements Ipv4Service {
    private static final System.Logger LOG = System.getLogger("ipv4");
    private static final int ETH = EthernetFrame.HEADER_LENGTH;
    private static final int IP = Ipv4Packet.MIN_HEADER;

    /** Where the IPv4 layer sends ICMP errors it must report (implemented by the ICMP layer). */
    public interface ErrorReporter {
        /** Protocol unreachable for the datagram just received. */
        void protocolUnreachable(Ipv4Datagram datagram);

        /** Reassembly of a datagram timed out; {@code firstFragment} carries fragment zero's payload. */
        void reassemblyTimedOut(Ipv4Datagram firstFragment);
    }

    enum Reason { NOT_FOR_US, BAD_SOURCE, UNKNOWN_PROTOCOL }

    private final Link link;
    private final Arp arp;
    private final LongSupplier clock;
    private final long mac;
    private final int linkMtu;
    /** The interface MTU in use: the link's, or lower when DHCP's option 26 says so. Loop thread. */
    private int mtu;
    private final Reassembler reassembler;
    private final PathMtuCache pathMtu = new PathMtuCache(256);
    private final IpProtocolHandler[] handlers = new IpProtocolHandler[256];
    private IpProtocolHandler[] registered = new IpProtocolHandler[0];
    private final Ipv4Packet view = new Ipv4Packet();
    private final Ipv4Packet quotedView = new Ipv4Packet();
    private final RxDatagram rx = new RxDatagram();
    private final ByteBuffer tx;       // Ethernet + IP header + MAX_PAYLOAD
    private final ByteBuffer payload;  // tx from the transport header on
    private final ByteBuffer fragTx;   // one fragment frame
    private final Runnable wantTick;
    private final Executor defer;
    private ErrorReporter errors = new ErrorReporter() {
        @Override public void protocolUnreachable(Ipv4Datagram datagram) {}

        @Override public void reassemblyTimedOut(Ipv4Datagram firstFragment) {}
    };
    private volatile int address;
    private int prefixLength, mask, gateway;
    private int ident;
    private final Counter[] drops, malformed, sendDrops;
    private final Counter rxPackets, txPackets, txFragments, txLoopback;

    /**
     * @param defer runs a task later on the loop thread (the loop): datagrams to our own address or
     *              127/8 are delivered that way, never re-entrantly inside the sender's call
     */
    public Ipv4(Link link, Arp arp, LongSupplier clock, Executor defer, Counters counters, Reassembler.Limits reassembly,
            int initialIdent, Runnable wantTick) {
        this.defer = defer;
        this.link = link;
        this.arp = arp;
        this.clock = clock;
        this.mac = link.mac().bits();
        this.linkMtu = link.mtu();
        this.mtu = linkMtu;
        this.wantTick = wantTick;
        this.ident = initialIdent & 0xffff;
        this.reassembler = new Reassembler(reassembly, counters);
        tx = ByteBuffer.allocateDirect(ETH + IP + MAX_PAYLOAD);
        payload = tx.slice(ETH + IP, MAX_PAYLOAD);
        fragTx = ByteBuffer.allocateDirect(ETH + Math.max(mtu, 68));
        malformed = counters.perReason("ipv4.rx.drop", Malformed.class);
        drops = counters.perReason("ipv4.rx.drop", Reason.class);
        sendDrops = counters.perReason("ipv4.tx.drop", SendStatus.class);
        rxPackets = counters.counter("ipv4.rx.packets");
        txPackets = counters.counter("ipv4.tx.packets");
        txFragments = counters.counter("ipv4.tx.fragments");
        txLoopback = counters.counter("ipv4.tx.loopback");
        arp.onFailure(this::unresolved);
        reassembler.onTimeout((src, dst, proto, id, tos, ttl, first) -> {
            rx.set(src, dst, proto, tos, ttl, id, first, false, false);
            errors.reassemblyTimedOut(rx);
        });
    }

    public void errorReporter(ErrorReporter r) { errors = r; }

    /**
     * Configures the address (null: none) and gateway (null: none), announcing a new address by
     * gratuitous ARP when {@code announce}. Loop thread (or before the stack starts).
     */
    public void configure(Ipv4Prefix prefix, Ipv4Address gw, boolean announce) {
        if (prefix == null) {
            address = 0;
            prefixLength = 0;
            mask = 0;
            gateway = 0;
            arp.setAddress(0);
            LOG.log(Level.INFO, "IPv4 address removed");
            return;
        }
        prefixLength = prefix.length();
        mask = prefix.mask();
        gateway = gw == null ? 0 : gw.bits();
        address = prefix.address().bits();
        arp.setAddress(address);
        if (announce) arp.announce();
        LOG.log(Level.INFO, () -> "IPv4 address " + prefix + (gw == null ? "" : " gateway " + gw));
    }

    @Override public void register(int protocol, IpProtocolHandler handler) {
        handlers[protocol & 0xff] = handler;
        java.util.List<IpProtocolHandler> all = new java.util.ArrayList<>();
        for (IpProtocolHandler h : handlers) if (h != null) all.add(h);
        registered = all.toArray(new IpProtocolHandler[0]);
    }

    /** Tells every transport that a batch of frames ended ({@link IpProtocolHandler#endOfBatch}). */
    public void endOfBatch() {
        for (IpProtocolHandler h : registered) h.endOfBatch();
    }

    @Override public int address() { return address; }

    @Override public int prefixLength() { return prefixLength; }

    @Override public int mtu() { return mtu; }

    /**
     * Sets the interface MTU (DHCP option 26), clamped to [68, the link's MTU]: the link's buffers
     * cannot grow, and a lower value is what the network asks for. {@code 0} restores the link's.
     * Loop thread only.
     */
    public void interfaceMtu(int value) {
        int m = value <= 0 ? linkMtu : Math.max(68, Math.min(value, linkMtu));
        if (m != mtu) LOG.log(Level.INFO, "interface MTU " + m + (m == linkMtu ? " (the link's)" : " (link " + linkMtu + ")"));
        mtu = m;
    }

    @Override public int pathMtu(int destination) { return pathMtu.get(destination, mtu, clock.getAsLong()); }

    /** Records a frag-needed report (called by the ICMP layer). */
    public void pathMtuReported(int destination, int nextHopMtu) {
        if (nextHopMtu >= mtu) return;
        // RFC 1191: an old router says 0; fall back to the next plateau below the link MTU we used.
        int m = nextHopMtu == 0 ? 576 : nextHopMtu;
        pathMtu.update(destination, m, clock.getAsLong());
        LOG.log(Level.DEBUG, () -> "path MTU to " + new Ipv4Address(destination) + " is " + Math.max(68, m));
    }

    /** Tells the transport that sent a datagram about an ICMP error (called by the ICMP layer). */
    public void deliverError(IcmpError e) {
        IpProtocolHandler h = handlers[e.protocol() & 0xff];
        if (h != null) h.error(e);
    }

    private boolean isBroadcast(int dst) {
        return dst == -1 || (address != 0 && prefixLength < 31 && dst == (address | ~mask));
    }

    /** An IPv4 datagram of {@code len} bytes at {@code off} in {@code b} (after the Ethernet header). */
    public void receive(ByteBuffer b, int off, int len) { receive(b, off, len, false, false); }

    /**
     * As {@link #receive(ByteBuffer, int, int)}, for a datagram whose transport checksum the link
     * vouches for when {@code verified} ({@link Link.Receiver#receiveVerified}).
     */
    public void receive(ByteBuffer b, int off, int len, boolean verified) { receive(b, off, len, false, verified); }

    private void receive(ByteBuffer b, int off, int len, boolean local, boolean verified) {
        Malformed m = view.wrap(b, off, len);
        if (m != null) {
            malformed[m.ordinal()].inc();
            return;
        }
        int src = view.source(), dst = view.destination();
        if (local) {
            rxPackets.inc();
            deliver(b, src, dst, false, false);
            return;
        }
        if (src == -1 || (src >>> 28) == 0xe || (src >>> 24) == 127 || (address != 0 && src == address)) {
            drops[Reason.BAD_SOURCE.ordinal()].inc();
            return;
        }
        boolean broadcast = isBroadcast(dst);
        // Without an address (DHCP in progress) we take unicast to any address, as a DHCP offer may be.
        if (!broadcast && dst != address && address != 0) {
            drops[Reason.NOT_FOR_US.ordinal()].inc();
            return;
        }
        rxPackets.inc();
        deliver(b, src, dst, broadcast, verified);
    }

    private void deliver(ByteBuffer b, int src, int dst, boolean broadcast, boolean verified) {
        int proto = view.protocol();
        ByteBuffer data;
        int tos, ttl, id;
        if (view.isFragment()) {
            data = reassembler.add(view, b, clock.getAsLong());
            if (reassembler.inFlight() > 0) wantTick.run();
            if (data == null) return;
            verified = false; // the host checks whole datagrams, never fragments
            tos = reassembler.lastTos();
            ttl = reassembler.lastTtl();
            id = reassembler.lastIdentification();
        } else {
            data = b;
            b.limit(view.payloadOffset() + view.payloadLength()).position(view.payloadOffset());
            tos = view.tos();
            ttl = view.ttl();
            id = view.identification();
        }
        rx.set(src, dst, proto, tos, ttl, id, data, broadcast, verified);
        IpProtocolHandler h = handlers[proto];
        if (h == null) {
            drops[Reason.UNKNOWN_PROTOCOL.ordinal()].inc();
            if (!broadcast) errors.protocolUnreachable(rx);
            return;
        }
        h.receive(rx);
    }

    /** Timers: reassembly timeouts. Returns whether it needs to be called again. */
    public boolean tick(long now) { return reassembler.expire(now); }

    public Reassembler reassembler() { return reassembler; }

    @Override public ByteBuffer payloadBuffer() { return payload.clear(); }

    @Override public SendStatus send(int destination, int protocol, int length, int flags) {
        return sendFrom(address, destination, protocol, length, flags);
    }

    @Override public SendStatus sendFrom(int source, int destination, int protocol, int length, int flags) {
        return counted(output(source, destination, protocol, length, flags, NO_OFFLOAD));
    }

    @Override public Set<Link.Offload> offloads() { return link.offloads(); }

    @Override public SendStatus sendOffloaded(int source, int destination, int protocol, int length, int flags, int segmentSize) {
        if (protocol != PROTO_TCP && protocol != PROTO_UDP) throw new IllegalArgumentException("only TCP and UDP checksums are offloaded, not protocol " + protocol);
        if (segmentSize > 0 && protocol != PROTO_TCP) throw new IllegalArgumentException("only TCP is segmented by the link");
        return counted(output(source, destination, protocol, length, flags, Math.max(0, segmentSize)));
    }

    private SendStatus counted(SendStatus s) {
        if (s.ok()) txPackets.inc();
        else sendDrops[s.ordinal()].inc();
        return s;
    }

    /** {@code segmentSize} of {@link #output}: the transport checksum is complete, nothing for the link to do. */
    private static final int NO_OFFLOAD = -1;

    /** Fills in the partial checksum of the transport datagram in {@link #payload} (the link will not). */
    private void completeChecksum(int protocol, int length) {
        int field = protocol == PROTO_TCP ? 16 : 6;
        if (length < field + 2) return;
        int c = Checksum.compute(payload, 0, length, 0);
        payload.putShort(field, (short) (protocol == PROTO_UDP && c == 0 ? 0xffff : c));
    }

    /**
     * @param segmentSize {@link #NO_OFFLOAD}; 0: the link completes the checksum; more: it also
     *                    cuts the datagram (a TCP super-segment) into segments of that payload
     */
    private SendStatus output(int source, int destination, int protocol, int length, int flags, int segmentSize) {
        if (length < 0 || length > MAX_PAYLOAD) return SendStatus.TOO_BIG;
        long dstMac;
        int nextHop = destination;
        if (destination == -1 || isBroadcast(destination)) {
            dstMac = 0xffff_ffff_ffffL;
        } else if ((destination >>> 28) == 0xe) {
            dstMac = 0x01005e000000L | (destination & 0x7fffff);
        } else if ((destination >>> 24) == 127 || (address != 0 && destination == address)) {
            if (segmentSize != NO_OFFLOAD) completeChecksum(protocol, length); // delivered whole: nothing to cut
            return loopback(source != 0 ? source : destination, destination, protocol, length, flags);
        } else {
            if (source == 0) return SendStatus.NO_ADDRESS;
            if (address == 0) return SendStatus.NO_ADDRESS;
            if (((destination ^ address) & mask) != 0) {
                if (gateway == 0) return SendStatus.NO_ROUTE;
                nextHop = gateway;
            }
            dstMac = -1;
        }
        int tos = (flags >>> TOS_SHIFT) & 0xff;
        boolean df = (flags & DONT_FRAGMENT) != 0 || segmentSize > 0;
        int id = ident;
        // A super-segment's segments take the identifications after its own (as the host numbers them).
        ident = (ident + (segmentSize > 0 ? (length + segmentSize - 1) / segmentSize : 1)) & 0xffff;
        if (IP + length <= mtu || segmentSize > 0) {
            EthernetFrame.writeHeader(tx, 0, 0, mac, EthernetFrame.TYPE_IPV4);
            Ipv4Packet.writeHeader(tx, ETH, tos, IP + length, id, df ? Ipv4Packet.FLAG_DF : 0, Ipv4Packet.DEFAULT_TTL,
                    protocol, source, destination);
            return transmit(tx, ETH + IP + length, nextHop, dstMac, segmentSize);
        }
        if (df) return SendStatus.TOO_BIG;
        if (segmentSize != NO_OFFLOAD) completeChecksum(protocol, length);
        int chunk = (mtu - IP) & ~7;
        SendStatus result = SendStatus.SENT;
        for (int off = 0; off < length; off += chunk) {
            int n = Math.min(chunk, length - off);
            boolean more = off + n < length;
            EthernetFrame.writeHeader(fragTx, 0, 0, mac, EthernetFrame.TYPE_IPV4);
            Ipv4Packet.writeHeader(fragTx, ETH, tos, IP + n, id, (more ? Ipv4Packet.FLAG_MF : 0) | off / 8,
                    Ipv4Packet.DEFAULT_TTL, protocol, source, destination);
            fragTx.put(ETH + IP, payload, off, n);
            SendStatus s = transmit(fragTx, ETH + IP + n, nextHop, dstMac, NO_OFFLOAD);
            txFragments.inc();
            if (!s.ok()) return s;
            if (s == SendStatus.QUEUED) result = s;
        }
        return result;
    }

    /** A datagram to ourselves: delivered whole (no fragments) by a task posted to the loop. */
    private SendStatus loopback(int source, int destination, int protocol, int length, int flags) {
        byte[] d = new byte[IP + length];
        ByteBuffer b = ByteBuffer.wrap(d);
        Ipv4Packet.writeHeader(b, 0, (flags >>> TOS_SHIFT) & 0xff, IP + length, ident, 0, Ipv4Packet.DEFAULT_TTL, protocol,
                source, destination);
        b.put(IP, payload, 0, length);
        txLoopback.inc();
        defer.execute(() -> receive(ByteBuffer.wrap(d), 0, d.length, true, false));
        return SendStatus.SENT;
    }

    /**
     * Sends a frame of {@code len} bytes at index 0 to {@code dstMac}, or resolves {@code nextHop}
     * first (ARP queues complete frames: an offloaded one is completed, and cut, in software).
     */
    private SendStatus transmit(ByteBuffer frame, int len, int nextHop, long dstMac, int segmentSize) {
        if (dstMac < 0) dstMac = arp.lookup(nextHop);
        if (dstMac < 0) {
            if (segmentSize == NO_OFFLOAD) return arp.enqueue(nextHop, frame, len) ? SendStatus.QUEUED : SendStatus.QUEUE_FULL;
            frame.limit(len).position(0);
            boolean queued = Offloads.segment(frame, segmentSize, f -> arp.enqueue(nextHop, f, f.remaining()));
            frame.clear();
            return queued ? SendStatus.QUEUED : SendStatus.QUEUE_FULL;
        }
        EthernetFrame.putMac(frame, 0, dstMac);
        frame.limit(len).position(0);
        boolean ok = segmentSize == NO_OFFLOAD ? link.send(frame) : link.sendOffloaded(frame, segmentSize);
        frame.clear();
        return ok ? SendStatus.SENT : SendStatus.LINK_DROPPED;
    }

    /** ARP gave up on the next hop of a queued frame: tell its transport, as a host-unreachable. */
    private void unresolved(int ip, ByteBuffer frame) {
        if (quotedView.wrap(frame, ETH, frame.remaining() - ETH) != null) return;
        if (quotedView.fragmentOffset() != 0) return;
        int q = Math.min(8, quotedView.payloadLength());
        byte[] quoted = new byte[8];
        frame.get(quotedView.payloadOffset(), quoted, 0, q);
        deliverError(new IcmpError(IcmpError.Kind.HOST_UNREACHABLE, 1, 0, 0, quotedView.source(),
                quotedView.destination(), quotedView.protocol(), quoted));
    }

    /** The reused view handed to transports. */
    private static final class RxDatagram implements Ipv4Datagram {
        private int src, dst, proto, tos, ttl, id;
        private ByteBuffer data;
        private boolean broadcast, verified;

        void set(int src, int dst, int proto, int tos, int ttl, int id, ByteBuffer data, boolean broadcast, boolean verified) {
            this.verified = verified;
            this.src = src;
            this.dst = dst;
            this.proto = proto;
            this.tos = tos;
            this.ttl = ttl;
            this.id = id;
            this.data = data;
            this.broadcast = broadcast;
        }

        @Override public int source() { return src; }
        @Override public int destination() { return dst; }
        @Override public int protocol() { return proto; }
        @Override public int identification() { return id; }
        @Override public int ttl() { return ttl; }
        @Override public int tos() { return tos; }
        @Override public ByteBuffer payload() { return data; }
        @Override public boolean broadcast() { return broadcast; }
        @Override public boolean checksumVerified() { return verified; }
        @Override public int pseudoHeaderSum() { return Ipv4Service.pseudoHeaderSum(src, dst, proto, data.remaining()); }
    }
}
