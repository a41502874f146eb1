package io.morgana.dns.wire;

/**
 * The OPT pseudo-record (RFC 6891): the sender's UDP payload size, extended RCODE bits, version,
 * flags (DO = 0x8000) and the raw options, already checked to be well formed.
 */
public record Edns(int udpSize, int extendedRcode, int version, int flags, byte[] options) {

    public static final int DO = 0x8000;

    public boolean dnssecOk() { return (flags & DO) != 0; }

    /** The payload size a requester can take: at least 512 (RFC 6891 §6.2.5). */
    public int effectiveUdpSize() { return Math.max(512, udpSize); }

    /** Checks that {@code options} is a well-formed list of code/length/value triples. */
    static void checkOptions(byte[] o) {
        int p = 0;
        while (p < o.length) {
            if (p + 4 > o.length) throw new WireException("EDNS option header truncated");
            int len = (o[p + 2] & 0xff) << 8 | (o[p + 3] & 0xff);
            if (p + 4 + len > o.length) throw new WireException("EDNS option overruns the OPT record");
            p += 4 + len;
        }
    }
}
