package io.morgana.net.udp;

import io.morgana.api.Random;
import io.morgana.net.icmp.Icmp;
import io.morgana.net.ipv4.IcmpError;
import io.morgana.net.ipv4.IpProtocolHandler;
import io.morgana.net.ipv4.Ipv4Datagram;
import io.morgana.net.ipv4.Ipv4Service;
import io.morgana.net.ipv4.SendStatus;
import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.net.util.LongMap;
import io.morgana.net.wire.Malformed;
import io.morgana.net.wire.UdpPacket;
import java.net.BindException;
import java.nio.ByteBuffer;

/**
 * UDP (RFC 768) over the IPv4 layer: a port table, checksums both ways, port unreachable for
 * closed ports, ephemeral ports. Receiving and sending run on the loop thread; {@link #bind} and
 * {@link #unbind} may be called from any thread (the port table is copied on write, so the
 * datapath reads it without a lock).
 */
public final class UdpLayer implements IpProtocolHandler {
    private static final System.Logger LOG = System.getLogger("udp");
    public static final int EPHEMERAL_FIRST = 49152;
    public static final int EPHEMERAL_LAST = 65535;
    /** Largest payload of one datagram: 65,535 minus IP and UDP headers. */
    public static final int MAX_PAYLOAD = 65_507;

    enum Reason { NO_PORT }

    private final Ipv4Service ip;
    private final Icmp icmp;
    private final Random random;
    private final UdpPacket view = new UdpPacket();
    private volatile LongMap<UdpHandler> ports = new LongMap<>(16);
    private final Counter[] malformed, drops, sendDrops;
    private final Counter rxDatagrams, txDatagrams;

    public UdpLayer(Ipv4Service ip, Icmp icmp, Random random, Counters counters) {
        this.ip = ip;
        this.icmp = icmp;
        this.random = random;
        malformed = counters.perReason("udp.rx.drop", Malformed.class);
        drops = counters.perReason("udp.rx.drop", Reason.class);
        sendDrops = counters.perReason("udp.tx.drop", SendStatus.class);
        rxDatagrams = counters.counter("udp.rx.datagrams");
        txDatagrams = counters.counter("udp.tx.datagrams");
        ip.register(Ipv4Service.PROTO_UDP, this);
    }

    /**
     * Binds {@code port} (0: a free ephemeral port) to {@code handler}; returns the port. Any thread.
     *
     * @throws BindException if the port is taken or none is free
     */
    public synchronized int bind(int port, UdpHandler handler) throws BindException {
        if (port < 0 || port > 65535) throw new BindException("UDP port " + port + " is not in 0..65535");
        LongMap<UdpHandler> now = ports;
        if (port == 0) {
            int span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
            int start = random.nextInt(span);
            for (int i = 0; i < span && port == 0; i++) {
                int p = EPHEMERAL_FIRST + (start + i) % span;
                if (now.get(p) == null) port = p;
            }
            if (port == 0) throw new BindException("no free UDP port left in " + EPHEMERAL_FIRST + ".." + EPHEMERAL_LAST);
        } else if (now.get(port) != null) {
            throw new BindException("UDP port " + port + " is already bound on this stack");
        }
        LongMap<UdpHandler> next = copy(now);
        next.put(port, handler);
        ports = next;
        int bound = port;
        LOG.log(System.Logger.Level.DEBUG, () -> "bound port " + bound);
        return port;
    }

    /** Frees {@code port} if {@code handler} holds it. Any thread. */
    public synchronized void unbind(int port, UdpHandler handler) {
        LongMap<UdpHandler> now = ports;
        if (now.get(port) != handler) return;
        LongMap<UdpHandler> next = copy(now);
        next.remove(port);
        ports = next;
        LOG.log(System.Logger.Level.DEBUG, () -> "unbound port " + port);
    }

    private static LongMap<UdpHandler> copy(LongMap<UdpHandler> m) {
        LongMap<UdpHandler> c = new LongMap<>(m.size() + 1);
        m.forEach(c::put);
        return c;
    }

    @Override public void receive(Ipv4Datagram d) {
        ByteBuffer b = d.payload();
        int off = b.position();
        Malformed m = view.wrap(b, off, b.remaining());
        if (m != null) {
            malformed[m.ordinal()].inc();
            return;
        }
        if (!d.checksumVerified() && view.checksum() != 0
                && !view.checksumValid(Ipv4Service.pseudoHeaderSum(d.source(), d.destination(), Ipv4Service.PROTO_UDP, view.length()))) {
            malformed[Malformed.BAD_CHECKSUM.ordinal()].inc();
            return;
        }
        UdpHandler h = ports.get(view.destinationPort());
        if (h == null) {
            drops[Reason.NO_PORT.ordinal()].inc();
            icmp.portUnreachable(d);
            return;
        }
        rxDatagrams.inc();
        int sp = view.sourcePort(), dp = view.destinationPort();
        b.limit(off + view.length()).position(view.payloadOffset());
        h.datagram(d.source(), sp, d.destination(), dp, b);
    }

    @Override public void error(IcmpError e) {
        // Connected-socket semantics are not in the API; errors are counted, not reported.
    }

    /**
     * Sends {@code payload} (position to limit, unchanged) from {@code sourcePort} to
     * {@code destination:destinationPort}, from our address or, with {@code source} given, from
     * that one (0.0.0.0 for a DHCP client). Loop thread.
     */
    public SendStatus send(int source, int sourcePort, int destination, int destinationPort, ByteBuffer payload) {
        int n = payload.remaining();
        if (n > MAX_PAYLOAD) {
            sendDrops[SendStatus.TOO_BIG.ordinal()].inc();
            return SendStatus.TOO_BIG;
        }
        ByteBuffer out = ip.payloadBuffer();
        out.put(UdpPacket.HEADER_LENGTH, payload, payload.position(), n);
        return sendPrepared(source, sourcePort, destination, destinationPort, n);
    }

    /** Sends {@code n} payload bytes already written at index 8 of {@link Ipv4Service#payloadBuffer()}. */
    SendStatus sendPrepared(int source, int sourcePort, int destination, int destinationPort, int n) {
        ByteBuffer out = ip.payloadBuffer();
        int len = UdpPacket.HEADER_LENGTH + n;
        UdpPacket.writeHeader(out, 0, sourcePort, destinationPort, len);
        UdpPacket.fillChecksum(out, 0, len, Ipv4Service.pseudoHeaderSum(source, destination, Ipv4Service.PROTO_UDP, len));
        SendStatus s = ip.sendFrom(source, destination, Ipv4Service.PROTO_UDP, len, 0);
        if (s.ok()) txDatagrams.inc();
        else sendDrops[s.ordinal()].inc();
        return s;
    }

    /** Our current address (0 while none). */
    public int address() { return ip.address(); }

    Ipv4Service ip() { return ip; }

    /** Ports bound now. */
    public int boundPorts() { return ports.size(); }
}
