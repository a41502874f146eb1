package io.morgana.dns.server;

import io.morgana.api.Endpoint;
import io.morgana.dns.tsig.Tsig;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.dns.wire.Edns;
import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.MessageWriter;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Question;
import io.morgana.dns.wire.Rdata;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import io.morgana.dns.wire.WireException;
import io.morgana.dns.zone.Zone;
import io.morgana.dns.zone.ZoneException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The authoritative server as a sans-I/O state machine. {@link #handle} takes one received message
 * (with the transport, the sender and the time) and returns the messages to send back; {@link #poll}
 * returns what the server wants to send on its own (NOTIFY, SOA checks, zone transfers in) and
 * {@link #nextDeadline} when to call it again. It opens no socket and reads no clock: it is given
 * two times, wall-clock milliseconds for TSIG (which compares clocks with the peer) and monotonic
 * milliseconds for its timers (SOA refresh, retry and expire, NOTIFY retries), so that setting the
 * host's clock neither fires nor stalls them.
 *
 * <p>Queries are answered from prepared responses (see {@link Prepared}) keyed by name and type;
 * zone changes (dynamic UPDATE, transfers in) swap in a new zone snapshot and drop its prepared
 * answers. Queries may be handled from several threads at once; changes are serialised.
 *
 * <p>Hostile input is counted under {@link #counters()} and answered with FORMERR or dropped; no
 * exception leaves {@link #handle}.
 */
public final class AuthServer {

    public enum Transport { UDP, TCP }

    /** Our advertised EDNS UDP payload size (DNS flag day 2020). */
    public static final int UDP_SIZE = 1232;
    /** Prepared answers kept per zone before the cache is emptied and refilled. */
    static final int MAX_PREPARED = 200_000;
    /** Records in one AXFR message (and bytes, below). */
    static final int XFR_MESSAGE_BYTES = 16_000;

    private static final System.Logger LOG = System.getLogger("dns");

    /** A zone we serve and its per-snapshot state. */
    static final class Served {
        final Zone zone;
        final Journal journal;
        final Map<CacheKey, Prepared> prepared = new ConcurrentHashMap<>();
        final Secondary secondary;
        /** The NXDOMAIN authority section after its owner name (see {@link #negativeTail}); made on first use. */
        private volatile byte[] negativeTail;

        Served(Zone zone, Journal journal, Secondary secondary) {
            this.zone = zone;
            this.journal = journal;
            this.secondary = secondary;
        }
    }

    private volatile Map<Name, Served> zones = Map.of();
    private final Map<Name, TsigKey> keys = new HashMap<>();
    private final List<Endpoint> notifyTargets = new ArrayList<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Notifier notifier;
    private final java.util.random.RandomGenerator random;

    /** @param random source of message IDs for what the server sends itself (NOTIFY, SOA checks, transfers) */
    public AuthServer(java.util.random.RandomGenerator random) {
        this.random = random;
        this.notifier = new Notifier(random, keys);
    }
    private final Map<Name, Secondary> secondaries = new LinkedHashMap<>();
    private boolean allowUnsignedTransfer;
    private int maxLabels;

    // ------------------------------------------------------------------ configuration

    /** Serves {@code zone} as primary. */
    public synchronized void addZone(Zone zone) {
        Map<Name, Served> m = new HashMap<>(zones);
        m.put(zone.origin(), new Served(zone, new Journal(), null));
        publish(m);
    }

    /** Serves {@code origin} as a secondary of {@code primary}, transferring with {@code key} (may be null). */
    public synchronized void addSecondary(Name origin, Endpoint primary, TsigKey key) {
        secondaries.put(origin, new Secondary(origin, primary, key, random));
    }

    public synchronized void addKey(TsigKey key) { keys.put(key.name(), key); }

    /** Where NOTIFY goes when a zone changes (besides nothing else: we do not guess from NS records). */
    public synchronized void addNotifyTarget(Endpoint e) { notifyTargets.add(e); }

    /** Allow AXFR/IXFR without TSIG (tests, trusted networks). Off by default: transfers need a key. */
    public synchronized void allowUnsignedTransfer(boolean allow) { allowUnsignedTransfer = allow; }

    private void publish(Map<Name, Served> m) {
        int max = 0;
        for (Name n : m.keySet()) max = Math.max(max, n.labelCount());
        maxLabels = max;
        zones = Map.copyOf(m);
    }

    public Zone zone(Name origin) {
        Served s = zones.get(origin);
        return s == null ? null : s.zone;
    }

    /** Counters: {@code dns.rx.query}, {@code dns.rx.drop.REASON}, {@code dns.tx.formerr} … */
    public Map<String, Long> counters() {
        Map<String, Long> m = new java.util.TreeMap<>();
        counters.forEach((k, v) -> m.put(k, v.get()));
        m.put("dns.rx.query", queries.sum());
        m.put("dns.cache.hit", cacheHits.sum());
        m.put("dns.tx.nxdomain.fast", negatives.sum());
        return m;
    }

    private void count(String what) { counters.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet(); }

    /** The per-query counters, kept apart from the map: they are touched on every query. */
    private final java.util.concurrent.atomic.LongAdder queries = new java.util.concurrent.atomic.LongAdder(),
            cacheHits = new java.util.concurrent.atomic.LongAdder(), negatives = new java.util.concurrent.atomic.LongAdder();

    /** What a prepared answer depends on besides the zone snapshot. */
    private record CacheKey(Name name, int qtype, boolean anyOverTcp, boolean dnssec) {}

    // ------------------------------------------------------------------ queries

    /** {@link #handle(byte[], int, Transport, Endpoint, long, long)} with one time for both clocks (tests, simulations). */
    public List<byte[]> handle(byte[] msg, int len, Transport transport, Endpoint from, long nowMillis) {
        return handle(msg, len, transport, from, nowMillis, nowMillis);
    }

    /**
     * Handles one received message and returns the messages to send back to {@code from} (none to
     * drop it; several for a zone transfer over TCP).
     *
     * @param wallMillis wall-clock time in milliseconds (TSIG time checks and signatures)
     * @param monoMillis monotonic time in milliseconds, the clock of {@link #poll} and {@link #nextDeadline}
     */
    public List<byte[]> handle(byte[] msg, int len, Transport transport, Endpoint from, long wallMillis, long monoMillis) {
        try {
            return handle0(msg, len, transport, from, wallMillis, monoMillis);
        } catch (WireException e) {
            count("dns.rx.drop.malformed");
            return formErr(msg, len);
        } catch (RuntimeException e) {
            count("dns.rx.drop.internal-error");
            LOG.log(System.Logger.Level.WARNING, "internal error answering " + from + ": " + e, e);
            return List.of();
        }
    }

    private List<byte[]> handle0(byte[] msg, int len, Transport transport, Endpoint from, long now, long mono) {
        if (len < 12) {
            count("dns.rx.drop.short");
            return List.of();
        }
        if ((msg[2] & 0x80) != 0) {
            handleResponse(msg, len, from, now, mono);
            return List.of();
        }
        Message q;
        try {
            q = Message.decode(msg, 0, len);
        } catch (WireException e) {
            count("dns.rx.formerr." + reasonKey(e.getMessage()));
            return formErr(msg, len);
        }
        queries.increment();
        Tsig tsig = null;
        if (q.tsig != null) {
            Tsig.Server v = Tsig.server(msg, len, q, keys, now / 1000);
            if (!v.result().ok()) {
                count("dns.rx.tsig.error-" + v.result().error());
                LOG.log(System.Logger.Level.WARNING, "TSIG rejected from " + from + ": " + v.result().reason());
                byte[] resp = errorResponse(q, Message.NOTAUTH);
                if (v.result().error() == Tsig.BADTIME) return List.of(v.signBadTime(resp, now / 1000));
                return List.of(Tsig.unsignedError(resp, q.tsig, v.result().error()));
            }
            tsig = v.session();
        }
        if (q.edns != null && q.edns.version() > 0) {
            count("dns.tx.badvers");
            Message r = replyTo(q);
            r.edns = new Edns(UDP_SIZE, Message.BADVERS >> 4, 0, 0, new byte[0]);
            return sign(List.of(r.encode()), tsig, now);
        }
        return switch (q.opcode()) {
            case Message.QUERY -> query(msg, len, q, transport, tsig, now);
            case Message.NOTIFY -> sign(List.of(notifyIn(q, from, mono)), tsig, now);
            case Message.UPDATE -> sign(List.of(update(q, tsig, from, mono)), tsig, now);
            default -> {
                count("dns.tx.notimp");
                yield sign(List.of(errorResponse(q, Message.NOTIMP)), tsig, now);
            }
        };
    }

    private static String reasonKey(String s) {
        // Digits dropped: a reason names a kind of fault, so hostile input cannot mint endless counter names.
        return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[0-9]+", "n").replaceAll("[^a-z]+", "-").replaceAll("^-|-$", "");
    }

    private List<byte[]> sign(List<byte[]> msgs, Tsig tsig, long now) {
        if (tsig == null) return msgs;
        List<byte[]> out = new ArrayList<>(msgs.size());
        for (byte[] m : msgs) out.add(tsig.signResponse(m, now / 1000));
        return out;
    }

    private List<byte[]> query(byte[] msg, int len, Message q, Transport transport, Tsig tsig, long now) {
        if (q.questions.size() != 1 || !q.answers.isEmpty()) {
            count("dns.tx.formerr.question-count");
            return List.of(errorResponse(q, Message.FORMERR));
        }
        Question question = q.question();
        int qtype = question.type();
        if (qtype == Type.AXFR || qtype == Type.IXFR) return transferOut(q, transport, tsig, now);
        if (question.qclass() != Record.IN && question.qclass() != Record.ANY) {
            count("dns.tx.refused.class");
            return sign(List.of(errorResponse(q, Message.REFUSED)), tsig, now);
        }
        if (Type.isMeta(qtype) && qtype != Type.ANY) {
            count("dns.tx.formerr.meta-type");
            return sign(List.of(errorResponse(q, Message.FORMERR)), tsig, now);
        }
        Served served = find(question.name());
        if (served == null || served.zone == null) {
            count("dns.tx.refused.not-our-zone");
            return sign(List.of(errorResponse(q, Message.REFUSED)), tsig, now);
        }
        boolean tcp = transport == Transport.TCP;
        boolean dnssec = q.edns != null && q.edns.dnssecOk();
        CacheKey key = new CacheKey(question.name(), qtype, tcp && qtype == Type.ANY, dnssec);
        Prepared p = served.prepared.get(key);
        if (p == null) {
            Answer a = Lookup.find(served.zone, question.name(), qtype, tcp, dnssec);
            if (a.rcode == Message.NXDOMAIN && a.answer.isEmpty() && !dnssec) {
                byte[] out = nxDomain(served, a.authority.get(0), msg, question, q.edns, max(q, tcp) - reserve(q, tsig));
                if (out != null) {
                    negatives.increment();
                    return sign(List.of(out), tsig, now);
                }
            }
            p = Prepared.of(question, a, Message.QUERY);
            // Names that do not exist are not kept: anyone can ask for endless random ones.
            if (a.rcode != Message.NXDOMAIN) {
                if (served.prepared.size() >= MAX_PREPARED) {
                    served.prepared.clear();
                    count("dns.cache.flush");
                }
                served.prepared.put(key, p);
            }
            count("dns.cache.miss");
        } else {
            cacheHits.increment();
        }
        int max = max(q, tcp);
        byte[] out = new byte[Math.min(max, p.bytes.length) + OPT_SIZE];
        int qEnd = 12 + question.name().wireLength() + 4;
        int n = p.serve(msg, qEnd, out, max, reserve(q, tsig));
        if ((out[2] & 0x02) != 0) count("dns.tx.truncated");
        n = appendOpt(out, n, q.edns);
        if (n != out.length) out = java.util.Arrays.copyOf(out, n);
        return sign(List.of(out), tsig, now);
    }

    /** Length of the OPT record we append: root owner, type, size, TTL, empty RDATA. */
    private static final int OPT_SIZE = 11;

    /** The largest response the requester takes. */
    private static int max(Message q, boolean tcp) {
        return tcp ? 65535 : q.edns == null ? 512 : Math.min(q.edns.effectiveUdpSize(), 65535);
    }

    /** Room kept at the end of a response for OPT and TSIG. */
    private static int reserve(Message q, Tsig tsig) { return (q.edns != null ? OPT_SIZE : 0) + (tsig != null ? 120 : 0); }

    /** Appends our OPT if the query had one (DO echoed, no options) and counts it in ARCOUNT; returns the new length. */
    private static int appendOpt(byte[] out, int n, Edns edns) {
        if (edns == null) return n;
        // Root owner, type 41, our UDP size, extended RCODE 0, version 0, DO echoed, RDLENGTH 0.
        out[n] = 0;
        out[n + 1] = 0;
        out[n + 2] = (byte) Type.OPT;
        out[n + 3] = (byte) (UDP_SIZE >> 8);
        out[n + 4] = (byte) UDP_SIZE;
        out[n + 5] = 0;
        out[n + 6] = 0;
        out[n + 7] = (byte) ((edns.flags() & Edns.DO) >> 8);
        out[n + 8] = 0;
        out[n + 9] = 0;
        out[n + 10] = 0;
        int ar = ((out[10] & 0xff) << 8 | (out[11] & 0xff)) + 1;
        out[10] = (byte) (ar >> 8);
        out[11] = (byte) ar;
        return n + OPT_SIZE;
    }

    /**
     * NXDOMAIN without a look-up's encoding, as NSD answers it: the query's header bits and question
     * as asked, then the zone's SOA (negative TTL) whose owner points at the zone's name inside the
     * question. The same for every name that does not exist, so only the tail after the owner is
     * kept, per zone snapshot; random names cost no memory. {@code soa} is the look-up's negative
     * SOA, which fills that tail on first use. Null if it would not fit {@code limit}.
     */
    private static byte[] nxDomain(Served served, Record soa, byte[] query, Question question, Edns edns, int limit) {
        byte[] tail = served.negativeTail;
        if (tail == null) served.negativeTail = tail = negativeTail(soa);
        int nameLen = question.name().wireLength(), originLen = served.zone.origin().wireLength();
        int qEnd = 12 + nameLen + 4;
        int ownerLen = originLen == 1 ? 1 : 2;
        int n = qEnd + ownerLen + tail.length;
        if (n > limit) return null;
        byte[] out = new byte[n + (edns != null ? OPT_SIZE : 0)];
        out[0] = query[0];
        out[1] = query[1];
        out[2] = (byte) (0x80 | 0x04 | (query[2] & 0x01)); // QR, opcode QUERY, AA, RD as asked
        out[3] = (byte) ((query[3] & 0x10) | Message.NXDOMAIN); // CD as asked
        out[5] = 1; // QDCOUNT
        out[9] = 1; // NSCOUNT
        System.arraycopy(query, 12, out, 12, nameLen + 4);
        if (originLen == 1) {
            out[qEnd] = 0;
        } else {
            int at = 12 + nameLen - originLen;
            out[qEnd] = (byte) (0xc0 | at >> 8);
            out[qEnd + 1] = (byte) at;
        }
        System.arraycopy(tail, 0, out, qEnd + ownerLen, tail.length);
        return appendOpt(out, n, edns) == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** A negative answer's SOA (its TTL already set by {@link Lookup}, RFC 2308 §5) after its owner: type, class, TTL, RDATA uncompressed. */
    private static byte[] negativeTail(Record soa) {
        byte[] rdata = soa.rdata();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + rdata.length);
        b.putShort((short) Type.SOA).putShort((short) soa.rclass()).putInt((int) soa.ttl()).putShort((short) rdata.length).put(rdata);
        return b.array();
    }

    /** The zone whose origin is the longest suffix of {@code name}, or null. */
    private Served find(Name name) {
        Map<Name, Served> z = zones;
        Name n = name.labelCount() > maxLabels ? name.suffix(maxLabels) : name;
        while (true) {
            Served s = z.get(n);
            if (s != null) return s;
            if (n.labelCount() == 0) return null;
            n = n.parent();
        }
    }

    private static Message replyTo(Message q) {
        Message r = new Message();
        r.id = q.id;
        r.flags = Message.QR | (q.flags & (0xf << 11 | Message.RD | Message.CD));
        r.questions.addAll(q.questions);
        return r;
    }

    private static byte[] errorResponse(Message q, int rcode) {
        Message r = replyTo(q);
        r.flags |= rcode & 0xf;
        if (q.edns != null) r.edns = new Edns(UDP_SIZE, rcode >> 4, 0, q.edns.flags() & Edns.DO, new byte[0]);
        return r.encode();
    }

    /** FORMERR with the header only (the question may be what is malformed); nothing for junk shorter than a header. */
    private List<byte[]> formErr(byte[] msg, int len) {
        if (len < 12 || (msg[2] & 0x80) != 0) return List.of();
        count("dns.tx.formerr");
        byte[] r = new byte[12];
        r[0] = msg[0];
        r[1] = msg[1];
        r[2] = (byte) (0x80 | (msg[2] & 0x78) | (msg[2] & 0x01));
        r[3] = Message.FORMERR;
        return List.of(r);
    }

    // ------------------------------------------------------------------ zone transfers out

    private List<byte[]> transferOut(Message q, Transport transport, Tsig tsig, long now) {
        Question question = q.question();
        Served served = zones.get(question.name());
        if (served == null || served.zone == null) {
            count("dns.tx.xfr.refused.not-our-zone");
            return sign(List.of(errorResponse(q, Message.NOTAUTH)), tsig, now);
        }
        if (tsig == null && !allowUnsignedTransfer) {
            count("dns.tx.xfr.refused.unsigned");
            LOG.log(System.Logger.Level.INFO, "refused unsigned transfer of " + question.name());
            return List.of(errorResponse(q, Message.REFUSED));
        }
        Zone zone = served.zone;
        if (question.type() == Type.AXFR && transport == Transport.UDP) {
            count("dns.tx.xfr.formerr.udp");
            return sign(List.of(errorResponse(q, Message.FORMERR)), tsig, now);
        }
        List<Record> stream;
        if (question.type() == Type.IXFR) {
            Record clientSoa = null;
            for (Record r : q.authority) if (r.type() == Type.SOA) clientSoa = r;
            if (clientSoa == null) {
                count("dns.tx.xfr.formerr.ixfr-without-soa");
                return sign(List.of(errorResponse(q, Message.FORMERR)), tsig, now);
            }
            long have = Rdata.soaField(clientSoa.rdata(), 0);
            List<Journal.Diff> diffs = !Serial.newer(zone.serial(), have) ? List.of() : served.journal.since(have);
            if (!Serial.newer(zone.serial(), have) || transport == Transport.UDP) {
                stream = List.of(zone.soa());
            } else if (diffs != null) {
                stream = new ArrayList<>();
                stream.add(zone.soa());
                for (Journal.Diff d : diffs) {
                    stream.add(d.oldSoa());
                    stream.addAll(d.deleted());
                    stream.add(d.newSoa());
                    stream.addAll(d.added());
                }
                stream.add(zone.soa());
                count("dns.tx.ixfr");
            } else {
                stream = axfrStream(zone);
                count("dns.tx.ixfr-as-axfr");
            }
        } else {
            stream = axfrStream(zone);
            count("dns.tx.axfr");
        }
        LOG.log(System.Logger.Level.INFO, Type.name(question.type()) + " of " + zone.origin() + " serial " + zone.serial()
                + " (" + stream.size() + " records)" + (tsig != null ? " key " + tsig.key().name() : ""));
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        do {
            MessageWriter w = new MessageWriter(XFR_MESSAGE_BYTES + 1000);
            w.header(q.id, Message.QR | Message.AA);
            w.question(question);
            w.count(0, 1);
            int n = 0;
            while (i < stream.size()) {
                long mark = w.mark();
                try {
                    w.record(stream.get(i));
                } catch (MessageWriter.Full e) {
                    w.rollback(mark);
                    break;
                }
                n++;
                i++;
                if (w.position() > XFR_MESSAGE_BYTES) break;
            }
            w.count(1, n);
            out.add(w.toByteArray());
        } while (i < stream.size());
        return sign(out, tsig, now);
    }

    private static List<Record> axfrStream(Zone zone) {
        List<Record> s = zone.records();
        s.add(zone.soa());
        return s;
    }

    // ------------------------------------------------------------------ NOTIFY in, responses to our requests

    private byte[] notifyIn(Message q, Endpoint from, long mono) {
        Question question = q.question();
        Secondary sec;
        synchronized (this) {
            sec = question == null ? null : secondaries.get(question.name());
        }
        if (sec == null) {
            count("dns.rx.notify.not-secondary");
            return errorResponse(q, Message.NOTAUTH);
        }
        if (sec.key() != null && (q.tsig == null)) {
            count("dns.rx.notify.unsigned");
            return errorResponse(q, Message.REFUSED);
        }
        if (!sec.primary().address().equals(from.address())) {
            count("dns.rx.notify.not-from-primary");
            return errorResponse(q, Message.REFUSED);
        }
        count("dns.rx.notify");
        synchronized (this) {
            sec.notified(mono);
        }
        Message r = replyTo(q);
        r.flags |= Message.AA;
        return r.encode();
    }

    private void handleResponse(byte[] msg, int len, Endpoint from, long now, long mono) {
        Message m;
        try {
            m = Message.decode(msg, 0, len);
        } catch (WireException e) {
            count("dns.rx.drop.malformed-response");
            return;
        }
        synchronized (this) {
            if (m.opcode() == Message.NOTIFY) {
                if (notifier.acknowledged(m, from)) count("dns.rx.notify-ack");
                else count("dns.rx.drop.unexpected-response");
                return;
            }
            for (Secondary s : secondaries.values()) {
                if (s.onSoaResponse(msg, len, m, from, now, mono)) return;
            }
        }
        count("dns.rx.drop.unexpected-response");
    }

    // ------------------------------------------------------------------ dynamic UPDATE

    private byte[] update(Message q, Tsig tsig, Endpoint from, long mono) {
        Message r = replyTo(q);
        int rcode = update0(q, tsig, from, mono);
        r.flags |= rcode;
        count("dns.tx.update.rcode-" + rcode);
        return r.encode();
    }

    private synchronized int update0(Message q, Tsig tsig, Endpoint from, long mono) {
        if (q.questions.size() != 1 || q.question().type() != Type.SOA) return Message.FORMERR;
        Name origin = q.question().name();
        Served served = zones.get(origin);
        if (served == null || served.secondary != null) return Message.NOTAUTH;
        if (tsig == null) {
            LOG.log(System.Logger.Level.WARNING, "refused unsigned UPDATE of " + origin + " from " + from);
            return Message.REFUSED;
        }
        Zone zone = served.zone;
        // Prerequisites (RFC 2136 §3.2).
        Map<String, List<Record>> valueDependent = new LinkedHashMap<>();
        for (Record p : q.answers) {
            if (p.ttl() != 0) return Message.FORMERR;
            if (!p.name().isSubdomainOf(origin)) return Message.NOTZONE;
            Zone.Node node = zone.node(p.name());
            boolean inUse = node != null && !node.isEmpty();
            if (p.rclass() == Record.ANY) {
                if (p.rdata().length != 0) return Message.FORMERR;
                if (p.type() == Type.ANY) {
                    if (!inUse) return Message.NXDOMAIN;
                } else if (node == null || node.get(p.type()) == null) {
                    return Message.NXRRSET;
                }
            } else if (p.rclass() == Record.NONE) {
                if (p.rdata().length != 0) return Message.FORMERR;
                if (p.type() == Type.ANY) {
                    if (inUse) return Message.YXDOMAIN;
                } else if (node != null && node.get(p.type()) != null) {
                    return Message.YXRRSET;
                }
            } else if (p.rclass() == Record.IN) {
                valueDependent.computeIfAbsent(p.name().toLowerCase() + "/" + p.type(), k -> new ArrayList<>()).add(p);
            } else {
                return Message.FORMERR;
            }
        }
        for (List<Record> want : valueDependent.values()) {
            Zone.Node node = zone.node(want.get(0).name());
            List<Record> have = node == null ? null : node.get(want.get(0).type());
            if (have == null || !sameSet(have, want)) return Message.NXRRSET;
        }
        // Prescan (§3.4.1).
        for (Record u : q.authority) {
            if (!u.name().isSubdomainOf(origin)) return Message.NOTZONE;
            if (u.rclass() == Record.IN) {
                if (Type.isMeta(u.type())) return Message.FORMERR;
            } else if (u.rclass() == Record.ANY) {
                if (u.ttl() != 0 || u.rdata().length != 0 || (Type.isMeta(u.type()) && u.type() != Type.ANY)) return Message.FORMERR;
            } else if (u.rclass() == Record.NONE) {
                if (u.ttl() != 0 || Type.isMeta(u.type())) return Message.FORMERR;
            } else {
                return Message.FORMERR;
            }
        }
        // Apply (§3.4.2) to a copy of the records.
        List<Record> records = zone.records();
        Record newSoa = zone.soa();
        for (Record u : q.authority) {
            boolean apex = u.name().equals(origin);
            if (u.rclass() == Record.IN) {
                if (u.type() == Type.SOA) {
                    if (apex && Serial.newer(Rdata.soaField(u.rdata(), 0), Rdata.soaField(newSoa.rdata(), 0))) newSoa = u;
                    continue;
                }
                boolean hasCname = false, hasOther = false;
                for (Record x : records) {
                    if (!x.name().equals(u.name())) continue;
                    if (x.type() == Type.CNAME) hasCname = true;
                    else hasOther = true;
                }
                if (u.type() == Type.CNAME && hasOther) continue;
                if (u.type() != Type.CNAME && hasCname) continue;
                if (u.type() == Type.CNAME) records.removeIf(x -> x.name().equals(u.name()) && x.type() == Type.CNAME);
                boolean dup = false;
                for (int i = 0; i < records.size(); i++) {
                    if (records.get(i).sameData(u)) {
                        records.set(i, u);
                        dup = true;
                    }
                }
                if (!dup) records.add(u);
            } else if (u.rclass() == Record.ANY) {
                records.removeIf(x -> x.name().equals(u.name()) && (u.type() == Type.ANY || x.type() == u.type())
                        && !(apex && (x.type() == Type.SOA || x.type() == Type.NS)));
            } else {
                if (u.type() == Type.SOA) continue;
                Record asIn = new Record(u.name(), u.type(), Record.IN, 0, u.rdata());
                if (apex && u.type() == Type.NS) {
                    long ns = records.stream().filter(x -> x.name().equals(origin) && x.type() == Type.NS).count();
                    if (ns <= 1) continue;
                }
                records.removeIf(x -> x.sameData(asIn));
            }
        }
        records.removeIf(x -> x.type() == Type.SOA);
        List<Record> before = zone.records();
        if (newSoa == zone.soa()) {
            if (sameRecords(before.subList(1, before.size()), records)) return Message.NOERROR;
            newSoa = zone.soa().withTtl(zone.soa().ttl());
            newSoa = new Record(origin, Type.SOA, Record.IN, newSoa.ttl(), Rdata.withSerial(newSoa.rdata(), Serial.next(zone.serial())));
        }
        records.add(0, newSoa);
        Zone next;
        try {
            next = Zone.of(origin, records, "UPDATE from " + from);
        } catch (ZoneException e) {
            LOG.log(System.Logger.Level.WARNING, "UPDATE refused: " + e.getMessage());
            return Message.REFUSED;
        }
        LOG.log(System.Logger.Level.INFO, "UPDATE of " + origin + " by key " + tsig.key().name() + ": serial " + zone.serial() + " -> " + next.serial());
        replace(served, next, mono);
        return Message.NOERROR;
    }

    private static boolean sameSet(List<Record> have, List<Record> want) {
        if (have.size() != want.size()) return false;
        outer:
        for (Record w : want) {
            Record asIn = w;
            for (Record h : have) if (h.sameData(asIn)) continue outer;
            return false;
        }
        return true;
    }

    private static boolean sameRecords(List<Record> a, List<Record> b) {
        if (a.size() != b.size()) return false;
        java.util.Set<String> s = new java.util.HashSet<>();
        for (Record r : a) s.add(r.name().toLowerCase() + " " + r.type() + " " + r.ttl() + " " + java.util.HexFormat.of().formatHex(Rdata.canonical(r.type(), r.rdata())));
        for (Record r : b) if (!s.contains(r.name().toLowerCase() + " " + r.type() + " " + r.ttl() + " " + java.util.HexFormat.of().formatHex(Rdata.canonical(r.type(), r.rdata())))) return false;
        return true;
    }

    /** Swaps in a new snapshot of a zone we serve, journals the difference and queues NOTIFY (due at {@code mono}). */
    synchronized void replace(Served old, Zone next, long mono) {
        Journal journal = old == null ? new Journal() : old.journal;
        if (old != null && old.zone != null) journal.add(diff(old.zone, next));
        Map<Name, Served> m = new HashMap<>(zones);
        m.put(next.origin(), new Served(next, journal, old == null ? null : old.secondary));
        publish(m);
        for (Endpoint e : notifyTargets) notifier.queue(next.origin(), next.soa(), e, mono);
    }

    static Journal.Diff diff(Zone a, Zone b) {
        List<Record> ra = a.records(), rb = b.records();
        List<Record> del = new ArrayList<>(), add = new ArrayList<>();
        java.util.Set<Record> sa = new java.util.HashSet<>(ra.subList(1, ra.size())), sb = new java.util.HashSet<>(rb.subList(1, rb.size()));
        for (Record r : ra.subList(1, ra.size())) if (!sb.contains(r)) del.add(r);
        for (Record r : rb.subList(1, rb.size())) if (!sa.contains(r)) add.add(r);
        return new Journal.Diff(a.soa(), del, b.soa(), add);
    }

    // ------------------------------------------------------------------ timers and outgoing work

    /** Something the server wants done on the network. */
    public sealed interface Action {
        /** Send one UDP datagram from the server's socket. */
        record Datagram(byte[] message, Endpoint to) implements Action {}
        /** Transfer a zone over TCP: send {@code request}, feed each response message to {@code transfer}. */
        record Transfer(Endpoint primary, byte[] request, XfrIn transfer) implements Action {}
    }

    /** {@link #poll(long, long)} with one time for both clocks (tests, simulations). */
    public List<Action> poll(long nowMillis) { return poll(nowMillis, nowMillis); }

    /** Work due at {@code monoMillis}; {@code wallMillis} signs what is sent with TSIG. */
    public synchronized List<Action> poll(long wallMillis, long monoMillis) {
        List<Action> out = new ArrayList<>(notifier.poll(wallMillis, monoMillis));
        for (Secondary s : secondaries.values()) {
            Served served = zones.get(s.origin());
            Action a = s.poll(served == null ? null : served.zone, wallMillis, monoMillis);
            if (a != null) out.add(a);
            if (s.expired(monoMillis) && served != null && served.zone != null) {
                LOG.log(System.Logger.Level.WARNING, "secondary zone " + s.origin() + " expired: no answer from " + s.primary());
                Map<Name, Served> m = new HashMap<>(zones);
                m.remove(s.origin());
                publish(m);
            }
        }
        return out;
    }

    /** When {@link #poll} next has work, in monotonic milliseconds. */
    public synchronized long nextDeadline() {
        long d = notifier.nextDeadline();
        for (Secondary s : secondaries.values()) d = Math.min(d, s.nextDeadline());
        return d;
    }

    /** Reports the end of a transfer started by a {@link Action.Transfer}, at monotonic {@code now}. */
    public synchronized void transferDone(XfrIn x, long now) {
        Secondary s = secondaries.get(x.origin());
        if (s == null) return;
        Served served = zones.get(x.origin());
        Zone current = served == null ? null : served.zone;
        Zone next = null;
        String error = x.error();
        if (error == null) {
            try {
                next = x.result(current);
            } catch (ZoneException e) {
                error = e.getMessage();
            }
        }
        if (error != null) {
            count("dns.xfr-in.failed");
            LOG.log(System.Logger.Level.WARNING, "transfer of " + x.origin() + " from " + s.primary() + " failed: " + error);
            s.transferFailed(current, now);
            return;
        }
        count("dns.xfr-in.ok");
        if (next != current) {
            LOG.log(System.Logger.Level.INFO, "transferred " + x.origin() + " serial " + next.serial() + " from " + s.primary()
                    + " (" + next.size() + " records)");
            if (served == null) {
                Map<Name, Served> m = new HashMap<>(zones);
                m.put(next.origin(), new Served(next, new Journal(), s));
                publish(m);
                for (Endpoint e : notifyTargets) notifier.queue(next.origin(), next.soa(), e, now);
            } else {
                replace(served, next, now);
            }
        }
        s.transferred(next, now);
    }
}
