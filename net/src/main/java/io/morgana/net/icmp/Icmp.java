package io.morgana.net.icmp;

import io.morgana.net.util.TokenBucket;
import io.morgana.net.ipv4.IcmpError;
import io.morgana.net.ipv4.IpProtocolHandler;
import io.morgana.net.ipv4.Ipv4;
import io.morgana.net.ipv4.Ipv4Datagram;
import io.morgana.net.ipv4.Ipv4Service;
import io.morgana.net.ipv4.SendStatus;
import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.net.wire.IcmpPacket;
import io.morgana.net.wire.Ipv4Packet;
import io.morgana.net.wire.Malformed;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * ICMPv4 (RFC 792, RFC 1122 3.2.2): answers echo requests, sends port and protocol unreachable
 * (rate-limited by a token bucket, never about broadcasts, fragments after the first or other ICMP
 * errors), and hands received errors to the transport that sent the datagram, recording
 * frag-needed in the path-MTU cache first. Loop thread only.
 */
public final class Icmp implements IpProtocolHandler, Ipv4.ErrorReporter {
    private static final System.Logger LOG = System.getLogger("icmp");

    /** Sees echo replies (a ping client, tests). */
    @FunctionalInterface
    public interface EchoListener {
        void reply(int source, int identifier, int sequence, ByteBuffer data);
    }

    /**
     * @param errorsPerSecond sustained rate of error messages sent
     * @param burst           errors that may go out back to back
     */
    public record Limits(double errorsPerSecond, int burst) {
        public static final Limits DEFAULT = new Limits(100, 50);
    }

    /** How much of the offending datagram an error quotes: RFC 1812 4.3.2.3, up to 576 bytes in all. */
    private static final int MAX_QUOTE = 576 - Ipv4Packet.MIN_HEADER - IcmpPacket.HEADER_LENGTH;

    enum Reason { NOT_OURS, QUOTE_TRUNCATED, UNSUPPORTED_TYPE }

    private final Ipv4 ipv4;
    private final LongSupplier clock;
    private final Limits limits;
    private final IcmpPacket view = new IcmpPacket();
    private final Ipv4Packet quoted = new Ipv4Packet();
    private final Counter[] malformed, drops;
    private final Counter rxEchoRequests, rxEchoReplies, rxErrors, txEchoReplies, txUnreachable, txTimeExceeded, rateLimited;
    private EchoListener echoListener = (s, i, q, d) -> {};
    private final TokenBucket errorBudget;

    public Icmp(Ipv4 ipv4, LongSupplier clock, Counters counters, Limits limits) {
        this.ipv4 = ipv4;
        this.clock = clock;
        this.limits = limits;
        this.errorBudget = new TokenBucket(limits.errorsPerSecond(), limits.burst(), clock.getAsLong());
        malformed = counters.perReason("icmp.rx.drop", Malformed.class);
        drops = counters.perReason("icmp.rx.drop", Reason.class);
        rxEchoRequests = counters.counter("icmp.rx.echo-requests");
        rxEchoReplies = counters.counter("icmp.rx.echo-replies");
        rxErrors = counters.counter("icmp.rx.errors");
        txEchoReplies = counters.counter("icmp.tx.echo-replies");
        txUnreachable = counters.counter("icmp.tx.unreachable");
        txTimeExceeded = counters.counter("icmp.tx.time-exceeded");
        rateLimited = counters.counter("icmp.tx.drop.rate-limited");
        ipv4.register(Ipv4Service.PROTO_ICMP, this);
        ipv4.errorReporter(this);
    }

    public void echoListener(EchoListener l) { echoListener = l; }

    @Override public void receive(Ipv4Datagram d) {
        ByteBuffer b = d.payload();
        int off = b.position(), len = b.remaining();
        Malformed m = view.wrap(b, off, len);
        if (m != null) {
            malformed[m.ordinal()].inc();
            return;
        }
        switch (view.type()) {
            case IcmpPacket.ECHO_REQUEST -> {
                rxEchoRequests.inc();
                if (d.broadcast()) return; // like Linux's icmp_echo_ignore_broadcasts
                ByteBuffer out = ipv4.payloadBuffer();
                IcmpPacket.writeHeader(out, 0, IcmpPacket.ECHO_REPLY, 0, view.restOfHeader());
                out.put(IcmpPacket.HEADER_LENGTH, b, view.dataOffset(), view.dataLength());
                IcmpPacket.fillChecksum(out, 0, len);
                if (ipv4.send(d.source(), Ipv4Service.PROTO_ICMP, len, d.tos() << Ipv4Service.TOS_SHIFT).ok()) txEchoReplies.inc();
            }
            case IcmpPacket.ECHO_REPLY -> {
                rxEchoReplies.inc();
                int id = view.identifier(), seq = view.sequence();
                b.limit(off + len).position(view.dataOffset());
                echoListener.reply(d.source(), id, seq, b);
            }
            case IcmpPacket.DEST_UNREACHABLE, IcmpPacket.TIME_EXCEEDED, IcmpPacket.PARAMETER_PROBLEM -> error(d, b);
            default -> drops[Reason.UNSUPPORTED_TYPE.ordinal()].inc();
        }
    }

    private void error(Ipv4Datagram d, ByteBuffer b) {
        int qOff = view.dataOffset(), qLen = view.dataLength();
        // The quote: the original IP header and at least 8 bytes of its payload. Its checksum is not
        // checked (routers may have changed the TTL), only its shape.
        if (qLen < Ipv4Packet.MIN_HEADER || (b.get(qOff) >>> 4 & 0xf) != 4) {
            drops[Reason.QUOTE_TRUNCATED.ordinal()].inc();
            return;
        }
        int ihl = (b.get(qOff) & 0xf) * 4;
        if (ihl < Ipv4Packet.MIN_HEADER || qLen < ihl + 8) {
            drops[Reason.QUOTE_TRUNCATED.ordinal()].inc();
            return;
        }
        int src = b.getInt(qOff + 12), dst = b.getInt(qOff + 16), proto = b.get(qOff + 9) & 0xff;
        if (src != ipv4.address() || ipv4.address() == 0) {
            drops[Reason.NOT_OURS.ordinal()].inc();
            return;
        }
        rxErrors.inc();
        int type = view.type(), code = view.code();
        IcmpError.Kind kind = switch (type) {
            case IcmpPacket.TIME_EXCEEDED -> IcmpError.Kind.TIME_EXCEEDED;
            case IcmpPacket.PARAMETER_PROBLEM -> IcmpError.Kind.PARAMETER_PROBLEM;
            default -> switch (code) {
                case IcmpPacket.CODE_NET_UNREACHABLE, 6, 11 -> IcmpError.Kind.NET_UNREACHABLE;
                case IcmpPacket.CODE_HOST_UNREACHABLE, 7, 12 -> IcmpError.Kind.HOST_UNREACHABLE;
                case IcmpPacket.CODE_PROTOCOL_UNREACHABLE -> IcmpError.Kind.PROTOCOL_UNREACHABLE;
                case IcmpPacket.CODE_PORT_UNREACHABLE -> IcmpError.Kind.PORT_UNREACHABLE;
                case IcmpPacket.CODE_FRAG_NEEDED -> IcmpError.Kind.FRAG_NEEDED;
                default -> IcmpError.Kind.PROHIBITED;
            };
        };
        int mtu = kind == IcmpError.Kind.FRAG_NEEDED ? view.nextHopMtu() : 0;
        if (kind == IcmpError.Kind.FRAG_NEEDED) ipv4.pathMtuReported(dst, mtu);
        LOG.log(System.Logger.Level.DEBUG, () -> kind + " from " + new io.morgana.api.Ipv4Address(d.source()) + " about "
                + new io.morgana.api.Ipv4Address(dst) + (mtu > 0 ? " (next-hop MTU " + mtu + ")" : ""));
        byte[] q = new byte[Math.min(qLen - ihl, 64)];
        b.get(qOff + ihl, q);
        ipv4.deliverError(new IcmpError(kind, code, mtu, d.source(), src, dst, proto, q));
    }

    @Override public void protocolUnreachable(Ipv4Datagram d) {
        sendError(IcmpPacket.DEST_UNREACHABLE, IcmpPacket.CODE_PROTOCOL_UNREACHABLE, d);
    }

    /** Time exceeded, fragment reassembly time exceeded (code 1), quoting fragment zero. */
    @Override public void reassemblyTimedOut(Ipv4Datagram first) {
        sendError(IcmpPacket.TIME_EXCEEDED, 1, first);
    }

    /** Port unreachable for a UDP datagram that found no socket (called by the UDP layer). */
    public void portUnreachable(Ipv4Datagram d) {
        sendError(IcmpPacket.DEST_UNREACHABLE, IcmpPacket.CODE_PORT_UNREACHABLE, d);
    }

    private void sendError(int type, int code, Ipv4Datagram d) {
        int src = d.source();
        if (d.broadcast() || src == 0 || src == -1 || (src >>> 28) == 0xe || d.destination() != ipv4.address()) return;
        if (d.protocol() == Ipv4Service.PROTO_ICMP) {
            ByteBuffer p = d.payload();
            int t = p.remaining() > 0 ? p.get(p.position()) & 0xff : -1;
            if (t != IcmpPacket.ECHO_REQUEST && t != IcmpPacket.ECHO_REPLY) return; // never an error about an error
        }
        if (!takeToken()) {
            rateLimited.inc();
            return;
        }
        ByteBuffer p = d.payload();
        int n = Math.min(p.remaining(), MAX_QUOTE - Ipv4Packet.MIN_HEADER);
        ByteBuffer out = ipv4.payloadBuffer();
        int q = IcmpPacket.writeHeader(out, 0, type, code, 0);
        // The quoted header is rebuilt from the fields (options, which we skip, are not quoted).
        Ipv4Packet.writeHeader(out, q, d.tos(), Ipv4Packet.MIN_HEADER + p.remaining(), d.identification(), 0, d.ttl(),
                d.protocol(), src, d.destination());
        out.put(q + Ipv4Packet.MIN_HEADER, p, p.position(), n);
        int len = IcmpPacket.HEADER_LENGTH + Ipv4Packet.MIN_HEADER + n;
        IcmpPacket.fillChecksum(out, 0, len);
        if (ipv4.send(src, Ipv4Service.PROTO_ICMP, len, 0).ok()) (type == IcmpPacket.TIME_EXCEEDED ? txTimeExceeded : txUnreachable).inc();
    }

    private boolean takeToken() { return errorBudget.take(clock.getAsLong(), 1); }

    /** Sends an echo request (a ping) with {@code data} (position to limit). */
    public SendStatus ping(int destination, int identifier, int sequence, ByteBuffer data) {
        ByteBuffer out = ipv4.payloadBuffer();
        int n = data.remaining();
        if (n + IcmpPacket.HEADER_LENGTH > out.capacity()) return SendStatus.TOO_BIG;
        IcmpPacket.writeHeader(out, 0, IcmpPacket.ECHO_REQUEST, 0, identifier << 16 | sequence);
        out.put(IcmpPacket.HEADER_LENGTH, data, data.position(), n);
        IcmpPacket.fillChecksum(out, 0, n + IcmpPacket.HEADER_LENGTH);
        return ipv4.send(destination, Ipv4Service.PROTO_ICMP, n + IcmpPacket.HEADER_LENGTH, 0);
    }
}
