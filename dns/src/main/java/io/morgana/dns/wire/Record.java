package io.morgana.dns.wire;

import java.util.Arrays;

/**
 * A resource record: owner, type, class, TTL and RDATA (uncompressed wire form). Equality compares
 * RDATA in canonical form (names case-insensitively) and ignores nothing else.
 */
public record Record(Name name, int type, int rclass, long ttl, byte[] rdata) {

    public static final int IN = 1, CH = 3, NONE = 254, ANY = 255;

    public Record {
        if (rdata.length > 0xffff) throw new IllegalArgumentException("RDATA longer than 65535 bytes");
    }

    public static Record in(Name name, int type, long ttl, byte[] rdata) { return new Record(name, type, IN, ttl, rdata); }

    public Record withTtl(long t) { return new Record(name, type, rclass, t, rdata); }

    public Record withName(Name n) { return new Record(n, type, rclass, ttl, rdata); }

    /** Same owner, type, class and RDATA (TTL aside): the same member of an RRset. */
    public boolean sameData(Record o) {
        return type == o.type && rclass == o.rclass && name.equals(o.name)
                && Arrays.equals(Rdata.canonical(type, rdata), Rdata.canonical(o.type, o.rdata));
    }

    public String rdataText() { return Rdata.toText(type, rdata); }

    @Override public boolean equals(Object o) {
        return o instanceof Record r && ttl == r.ttl && sameData(r);
    }

    @Override public int hashCode() { return name.hashCode() * 31 + type; }

    /** Zone-file line. */
    @Override public String toString() {
        String c = switch (rclass) { case IN -> "IN"; case CH -> "CH"; case NONE -> "NONE"; case ANY -> "ANY"; default -> "CLASS" + rclass; };
        return name + "\t" + ttl + "\t" + c + "\t" + Type.name(type) + "\t" + (rdata.length == 0 && rclass != IN ? "" : rdataText());
    }
}
