package io.morgana.dns.tsig;

import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.WireReader;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TSIG signing and verification (RFC 8945) for one exchange: a request and its response, or a
 * multi-message response such as AXFR, where each message's MAC covers the previous MAC and
 * every unsigned message since (§5.3.1). Sans-I/O: the caller gives the time.
 *
 * <p>Use one instance per exchange, from one thread.
 */
public final class Tsig {

    public static final int BADSIG = 16, BADKEY = 17, BADTIME = 18, BADTRUNC = 22;
    /** Allowed clock difference, seconds (RFC 8945 recommends 300). */
    public static final int FUDGE = 300;
    /** Unsigned messages allowed between signed ones in a multi-message response (RFC 8945 §5.3.1). */
    private static final int MAX_UNSIGNED = 99;

    private final TsigKey key;
    private byte[] priorMac;
    private int signedCount;
    private final ByteArrayOutputStream unsigned = new ByteArrayOutputStream();
    private int unsignedCount;

    private Tsig(TsigKey key) { this.key = key; }

    /** For a client: sign a request, then verify its response(s). */
    public static Tsig client(TsigKey key) { return new Tsig(key); }

    /** The key in use. */
    public TsigKey key() { return key; }

    /** The outcome of verifying a message. */
    public record Result(int error, TsigKey key, String reason) {
        public boolean ok() { return error == 0; }
    }

    /** Signs {@code msg} (an encoded message without TSIG) and returns it with the TSIG record appended. */
    public byte[] sign(byte[] msg, long nowSeconds) { return sign(msg, nowSeconds, 0, new byte[0]); }

    private byte[] sign(byte[] msg, long now, int error, byte[] other) {
        boolean subsequent = signedCount > 0 && priorMac != null && isResponse(msg);
        byte[] mac = mac(key, msg, msg.length, id(msg), priorMac, unsigned.toByteArray(), now, FUDGE, error, other, subsequent, null);
        unsigned.reset();
        unsignedCount = 0;
        signedCount++;
        priorMac = mac;
        return append(msg, key, now, FUDGE, mac, id(msg), error, other);
    }

    /**
     * Sends a message of a multi-message response unsigned (RFC 8945 §5.3.1 allows up to 99 in a
     * row): the next signed message's MAC covers it.
     */
    public void skipSigning(byte[] msg) {
        if (++unsignedCount > MAX_UNSIGNED) throw new IllegalStateException("sign at least every 100th message");
        unsigned.write(msg, 0, msg.length);
    }

    /** Signs a response message after a verified request ({@link #server}). */
    public byte[] signResponse(byte[] msg, long nowSeconds) { return sign(msg, nowSeconds); }

    /** An unsigned error response: TSIG with {@code error} and no MAC (BADKEY, BADSIG). */
    public static byte[] unsignedError(byte[] msg, Record requestTsig, int error) {
        WireReader r = new WireReader(requestTsig.rdata(), 0, requestTsig.rdata().length);
        Name alg = r.name();
        long time = r.u16("tsig") * 0x1_0000_0000L + r.u32("tsig");
        int fudge = r.u16("tsig");
        return append(msg, new TsigKey(requestTsig.name(), alg, "", new byte[1]), time, fudge, new byte[0], id(msg), error, new byte[0]);
    }

    /**
     * Server side: verifies a request's TSIG against the key ring. On success the returned
     * {@link Tsig} signs the response(s); on failure see {@link Result#error()} (BADKEY, BADSIG,
     * BADTIME) and answer with NOTAUTH.
     */
    public static Server server(byte[] wire, int len, Message m, Map<Name, TsigKey> keys, long nowSeconds) {
        Record t = m.tsig;
        TsigKey key = keys.get(t.name());
        Fields f;
        try {
            f = Fields.of(t);
        } catch (RuntimeException e) {
            return new Server(null, new Result(BADSIG, null, "malformed TSIG record"));
        }
        if (key == null || !key.algorithm().equals(f.alg)) {
            return new Server(null, new Result(BADKEY, null, "unknown key " + t.name() + " / " + f.alg));
        }
        Tsig s = new Tsig(key);
        byte[] mac = mac(key, wire, m.tsigOffset, f.originalId, null, new byte[0], f.time, f.fudge, f.error, f.other, false, arCountMinusOne(wire));
        if (f.mac.length != mac.length || !MessageDigest.isEqual(f.mac, mac)) {
            return new Server(null, new Result(BADSIG, key, "bad MAC from key " + key.name()));
        }
        s.priorMac = mac;
        if (Math.abs(nowSeconds - f.time) > f.fudge) {
            return new Server(s, new Result(BADTIME, key, "time signed " + f.time + " is more than " + f.fudge + " s from ours " + nowSeconds));
        }
        return new Server(s, new Result(0, key, "ok"));
    }

    /** A verified (or rejected) request. */
    public record Server(Tsig session, Result result) {
        /** A BADTIME response: signed, with our time as other data (RFC 8945 §5.2.3). */
        public byte[] signBadTime(byte[] msg, long now) {
            byte[] other = new byte[6];
            for (int i = 0; i < 6; i++) other[i] = (byte) (now >>> (40 - 8 * i));
            return session.sign(msg, now, BADTIME, other);
        }
    }

    /**
     * Client side: verifies a response (or one message of a multi-message response) to the
     * request this signed. An unsigned message in between is remembered and covered by the next
     * MAC; more than 99 in a row fail.
     */
    public Result verify(byte[] wire, int len, Message m, long nowSeconds) {
        if (m.tsig == null) {
            if (signedCount < 2 && unsignedCount == 0 && !sawResponse) return new Result(BADSIG, key, "response is not signed");
            if (++unsignedCount > MAX_UNSIGNED) return new Result(BADSIG, key, "more than 99 unsigned messages in a row");
            unsigned.write(wire, 0, len);
            return new Result(0, key, "unsigned, covered by the next MAC");
        }
        Fields f;
        try {
            f = Fields.of(m.tsig);
        } catch (RuntimeException e) {
            return new Result(BADSIG, key, "malformed TSIG record");
        }
        if (!m.tsig.name().equals(key.name()) || !f.alg.equals(key.algorithm())) return new Result(BADKEY, key, "response signed with another key");
        if (f.error != 0) return new Result(f.error, key, "peer reports TSIG error " + f.error);
        boolean subsequent = sawResponse;
        byte[] prefix = unsigned.toByteArray();
        byte[] mac = macWithUnsigned(prefix, wire, m.tsigOffset, f, subsequent);
        if (f.mac.length != mac.length || !MessageDigest.isEqual(f.mac, mac)) return new Result(BADSIG, key, "bad MAC on response");
        if (Math.abs(nowSeconds - f.time) > f.fudge) return new Result(BADTIME, key, "response time off by more than fudge");
        priorMac = mac;
        unsigned.reset();
        unsignedCount = 0;
        sawResponse = true;
        return new Result(0, key, "ok");
    }

    private boolean sawResponse;

    private byte[] macWithUnsigned(byte[] prefix, byte[] wire, int tsigOffset, Fields f, boolean subsequent) {
        try {
            Mac h = Mac.getInstance(key.jcaName());
            h.init(new SecretKeySpec(key.secret(), key.jcaName()));
            u16(h, priorMac.length);
            h.update(priorMac);
            h.update(prefix);
            byte[] copy = Arrays.copyOf(wire, tsigOffset);
            copy[0] = (byte) (f.originalId >> 8);
            copy[1] = (byte) f.originalId;
            int ar = ((copy[10] & 0xff) << 8 | (copy[11] & 0xff)) - 1;
            copy[10] = (byte) (ar >> 8);
            copy[11] = (byte) ar;
            h.update(copy);
            variables(h, key, f.time, f.fudge, f.error, f.other, subsequent);
            return h.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC " + key.jcaName() + " unavailable", e);
        }
    }

    private record Fields(Name alg, long time, int fudge, byte[] mac, int originalId, int error, byte[] other) {
        static Fields of(Record t) {
            byte[] d = t.rdata();
            WireReader r = new WireReader(d, 0, d.length);
            Name alg = r.name();
            long time = r.u16("tsig") * 0x1_0000_0000L + r.u32("tsig");
            int fudge = r.u16("tsig");
            int macLen = r.u16("tsig");
            int at = r.pos;
            r.skip(macLen, "tsig mac");
            byte[] mac = Arrays.copyOfRange(d, at, at + macLen);
            int orig = r.u16("tsig"), err = r.u16("tsig"), olen = r.u16("tsig");
            at = r.pos;
            r.skip(olen, "tsig other");
            if (r.remaining() != 0) throw new io.morgana.dns.wire.WireException("TSIG RDATA too long");
            return new Fields(alg.toLowerCase(), time, fudge, mac, orig, err, Arrays.copyOfRange(d, at, at + olen));
        }
    }

    private static int id(byte[] msg) { return (msg[0] & 0xff) << 8 | (msg[1] & 0xff); }

    private static boolean isResponse(byte[] msg) { return (msg[2] & 0x80) != 0; }

    private static byte[] arCountMinusOne(byte[] wire) {
        int ar = ((wire[10] & 0xff) << 8 | (wire[11] & 0xff)) - 1;
        return new byte[] {(byte) (ar >> 8), (byte) ar};
    }

    /**
     * The MAC over: prior MAC (a response's request MAC, or the previous message's), the message
     * bytes {@code [0, len)} with the original ID (and ARCOUNT less the TSIG when {@code ar} is
     * given), then the TSIG variables (only the timers for a subsequent message).
     */
    private static byte[] mac(TsigKey key, byte[] msg, int len, int originalId, byte[] prior, byte[] between, long time, int fudge,
            int error, byte[] other, boolean subsequent, byte[] ar) {
        try {
            Mac h = Mac.getInstance(key.jcaName());
            h.init(new SecretKeySpec(key.secret(), key.jcaName()));
            if (prior != null) {
                u16(h, prior.length);
                h.update(prior);
            }
            h.update(between);
            h.update((byte) (originalId >> 8));
            h.update((byte) originalId);
            if (ar != null) {
                h.update(msg, 2, 8);
                h.update(ar);
                h.update(msg, 12, len - 12);
            } else {
                h.update(msg, 2, len - 2);
            }
            variables(h, key, time, fudge, error, other, subsequent);
            return h.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC " + key.jcaName() + " unavailable", e);
        }
    }

    private static void variables(Mac h, TsigKey key, long time, int fudge, int error, byte[] other, boolean timersOnly) {
        if (!timersOnly) {
            h.update(key.name().toLowerCase().toWire());
            u16(h, Record.ANY);
            h.update(new byte[4]);
            h.update(key.algorithm().toLowerCase().toWire());
        }
        u16(h, (int) (time >>> 32));
        u16(h, (int) (time >>> 16));
        u16(h, (int) time);
        u16(h, fudge);
        if (!timersOnly) {
            u16(h, error);
            u16(h, other.length);
            h.update(other);
        }
    }

    private static void u16(Mac h, int v) {
        h.update((byte) (v >> 8));
        h.update((byte) v);
    }

    private static byte[] append(byte[] msg, TsigKey key, long time, int fudge, byte[] mac, int originalId, int error, byte[] other) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(msg.length + 100);
        o.write(msg, 0, msg.length);
        o.writeBytes(key.name().toWire());
        w16(o, 250);
        w16(o, Record.ANY);
        w16(o, 0);
        w16(o, 0);
        byte[] alg = key.algorithm().toWire();
        w16(o, alg.length + 16 + mac.length + other.length);
        o.writeBytes(alg);
        w16(o, (int) (time >>> 32));
        w16(o, (int) (time >>> 16));
        w16(o, (int) time);
        w16(o, fudge);
        w16(o, mac.length);
        o.writeBytes(mac);
        w16(o, originalId);
        w16(o, error);
        w16(o, other.length);
        o.writeBytes(other);
        byte[] r = o.toByteArray();
        int ar = ((r[10] & 0xff) << 8 | (r[11] & 0xff)) + 1;
        r[10] = (byte) (ar >> 8);
        r[11] = (byte) ar;
        return r;
    }

    private static void w16(ByteArrayOutputStream o, int v) {
        o.write(v >> 8);
        o.write(v);
    }
}
