package io.morgana.dns.zone;

import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Rdata;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One zone's data as an immutable snapshot: every owner name with its RRsets, plus every empty
 * non-terminal (so that "does this name exist" is one map look-up). Changes ({@link #apply}) make a
 * new snapshot; readers never lock.
 */
public final class Zone {

    /** The RRsets at one owner name; none for an empty non-terminal. */
    public static final class Node {
        public final Name name;
        final Map<Integer, List<Record>> rrsets = new LinkedHashMap<>(4);

        Node(Name name) { this.name = name; }

        public List<Record> get(int type) { return rrsets.get(type); }

        public boolean isEmpty() { return rrsets.isEmpty(); }

        public Collection<List<Record>> all() { return rrsets.values(); }
    }

    private final Name origin;
    private final Map<Name, Node> nodes;
    private final Record soa;
    private final int size;

    private Zone(Name origin, Map<Name, Node> nodes, Record soa, int size) {
        this.origin = origin;
        this.nodes = nodes;
        this.soa = soa;
        this.size = size;
    }

    /**
     * Builds a zone and checks it: every name inside the origin, exactly one SOA at the apex, NS at
     * the apex, no CNAME beside other data (RFC 2181 §10.1). An RRset's TTLs are made equal to its
     * first record's (RFC 2181 §5.2); duplicate records are dropped.
     */
    public static Zone of(Name origin, List<Record> records, String source) throws ZoneException {
        Map<Name, Node> nodes = new HashMap<>(records.size() * 2);
        int n = 0;
        for (Record r : records) {
            if (!r.name().isSubdomainOf(origin)) {
                throw new ZoneException(source + ": " + r.name() + " is outside the zone " + origin);
            }
            if (r.type() == Type.SOA && !r.name().equals(origin)) {
                throw new ZoneException(source + ": SOA at " + r.name() + ", not at the zone apex " + origin);
            }
            if (add(nodes, origin, r)) n++;
        }
        Node apex = nodes.get(origin);
        List<Record> soas = apex == null ? null : apex.get(Type.SOA);
        if (soas == null) throw new ZoneException(source + ": no SOA record at the apex " + origin);
        if (soas.size() != 1) throw new ZoneException(source + ": " + soas.size() + " SOA records at " + origin + "; a zone has exactly one");
        if (apex.get(Type.NS) == null) throw new ZoneException(source + ": no NS records at the apex " + origin);
        for (Node x : nodes.values()) {
            if (x.get(Type.CNAME) != null) {
                if (x.get(Type.CNAME).size() > 1) throw new ZoneException(source + ": more than one CNAME at " + x.name);
                for (int t : x.rrsets.keySet()) {
                    if (t != Type.CNAME && t != Type.RRSIG && t != Type.NSEC) {
                        throw new ZoneException(source + ": " + x.name + " has a CNAME and " + Type.name(t) + " records; a CNAME must stand alone");
                    }
                }
            }
        }
        return new Zone(origin, nodes, soas.get(0), n);
    }

    private static boolean add(Map<Name, Node> nodes, Name origin, Record r) {
        Node node = nodes.get(r.name());
        if (node == null) {
            node = new Node(r.name());
            nodes.put(r.name(), node);
            for (Name p = r.name(); !p.equals(origin); ) {
                p = p.parent();
                if (nodes.containsKey(p)) break;
                nodes.put(p, new Node(p));
            }
        }
        List<Record> set = node.rrsets.computeIfAbsent(r.type(), k -> new ArrayList<>(2));
        for (Record x : set) if (x.sameData(r)) return false;
        set.add(set.isEmpty() ? r : r.withTtl(set.get(0).ttl()));
        return true;
    }

    public Name origin() { return origin; }

    public Record soa() { return soa; }

    public long serial() { return Rdata.soaField(soa.rdata(), 0); }

    /** The SOA MINIMUM field: the negative-caching TTL bound (RFC 2308). */
    public long minimum() { return Rdata.soaField(soa.rdata(), 4); }

    public Node node(Name name) { return nodes.get(name); }

    public int size() { return size; }

    /** Every record, the SOA first (AXFR order). */
    public List<Record> records() {
        List<Record> out = new ArrayList<>(size);
        out.add(soa);
        for (Node x : nodes.values()) {
            for (List<Record> set : x.rrsets.values()) {
                for (Record r : set) if (r.type() != Type.SOA) out.add(r);
            }
        }
        return out;
    }

    /** A new snapshot with {@code deletes} removed (RDATA compared canonically) and {@code adds} added. */
    public Zone apply(List<Record> deletes, List<Record> adds, String source) throws ZoneException {
        List<Record> all = new ArrayList<>(records());
        for (Record d : deletes) all.removeIf(r -> r.sameData(d));
        for (Record a : adds) {
            if (a.type() == Type.SOA) all.removeIf(r -> r.type() == Type.SOA);
            all.add(a);
        }
        return of(origin, all, source);
    }
}
