package io.morgana.dns.server;

import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Rdata;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import io.morgana.dns.zone.Zone;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The authoritative look-up of RFC 1034 §4.3.2 over one zone, with RFC 2181's and later
 * refinements: referrals at zone cuts with glue, CNAME chains followed inside the zone, wildcards
 * per RFC 4592, NODATA and NXDOMAIN with the SOA for negative caching (RFC 2308, TTL the lesser of
 * the SOA's TTL and MINIMUM), and minimal ANY answers (RFC 8482). A pure function of its inputs.
 */
public final class Lookup {
    private Lookup() {}

    /** Longest CNAME chain we follow inside the zone. */
    static final int MAX_CHAIN = 8;

    /**
     * @param fullAny answer ANY with every RRset (over TCP) rather than one (RFC 8482 over UDP)
     */
    public static Answer find(Zone zone, Name qname, int qtype, boolean fullAny) {
        return find(zone, qname, qtype, fullAny, false);
    }

    /**
     * @param dnssec the requester set DO: add the zone's RRSIGs over each RRset given (a pre-signed
     *     zone served as is; NSEC proofs of non-existence are not added)
     */
    public static Answer find(Zone zone, Name qname, int qtype, boolean fullAny, boolean dnssec) {
        Answer a = new Answer();
        Set<Name> seen = null;
        Name name = qname;
        for (int hop = 0; ; hop++) {
            boolean followed = step(zone, name, qtype, fullAny, dnssec, a);
            if (!followed) break;
            Record cname = a.answer.get(a.answer.size() - 1);
            Name target = Name.fromWire(cname.rdata(), 0);
            if (seen == null) seen = new HashSet<>();
            if (!seen.add(name) || hop >= MAX_CHAIN || !target.isSubdomainOf(zone.origin()) || seen.contains(target)) break;
            name = target;
        }
        return a;
    }

    /** One step; true when it added a CNAME the caller should follow. */
    private static boolean step(Zone zone, Name qname, int qtype, boolean fullAny, boolean dnssec, Answer a) {
        Name origin = zone.origin();
        // Zone cuts between the apex and the name: a referral, unless the question is DS at the cut itself.
        int below = qname.labelCount() - origin.labelCount();
        for (int i = 1; i <= below; i++) {
            Name n = qname.suffix(origin.labelCount() + i);
            Zone.Node node = zone.node(n);
            if (node == null) break;
            List<Record> ns = node.get(Type.NS);
            if (ns != null && !(i == below && qtype == Type.DS)) {
                if (a.answer.isEmpty()) {
                    a.authoritative = false;
                    a.authority.addAll(ns);
                    List<Record> ds = node.get(Type.DS);
                    if (ds != null) add(a.authority, ds, null, dnssec ? node : null);
                    glue(zone, ns, a, true);
                    a.glueRequired = true;
                }
                return false;
            }
        }
        Zone.Node node = zone.node(qname);
        boolean synthesized = false;
        if (node == null) {
            // Closest encloser, then the wildcard below it (RFC 4592 §3.3.1).
            Name ce = qname.parent();
            while (zone.node(ce) == null) ce = ce.parent();
            node = zone.node(ce.wildcard());
            if (node == null) {
                a.rcode = Message.NXDOMAIN;
                negative(zone, a, dnssec);
                return false;
            }
            synthesized = true;
        }
        if (node.isEmpty()) {
            negative(zone, a, dnssec);
            return false;
        }
        List<Record> cname = node.get(Type.CNAME);
        if (cname != null && qtype != Type.CNAME && qtype != Type.ANY) {
            add(a.answer, cname, synthesized ? qname : null, dnssec ? node : null);
            return true;
        }
        if (qtype == Type.ANY) {
            for (List<Record> set : node.all()) {
                add(a.answer, set, synthesized ? qname : null, null);
                if (!fullAny) break;
            }
            return false;
        }
        List<Record> set = node.get(qtype);
        if (set == null) {
            negative(zone, a, dnssec);
            return false;
        }
        add(a.answer, set, synthesized ? qname : null, dnssec ? node : null);
        if (qtype == Type.NS || qtype == Type.MX || qtype == Type.SRV) glue(zone, set, a, false);
        return false;
    }

    /** Adds {@code set} (renamed to {@code owner} when synthesized), and its RRSIGs from {@code sigs} when given. */
    private static void add(List<Record> out, List<Record> set, Name owner, Zone.Node sigs) {
        if (owner == null) out.addAll(set);
        else for (Record r : set) out.add(r.withName(owner));
        List<Record> rrsigs = sigs == null ? null : sigs.get(Type.RRSIG);
        if (rrsigs == null || set.isEmpty()) return;
        int covered = set.get(0).type();
        for (Record sig : rrsigs) {
            if (((sig.rdata()[0] & 0xff) << 8 | (sig.rdata()[1] & 0xff)) == covered) out.add(owner == null ? sig : sig.withName(owner));
        }
    }

    private static void negative(Zone zone, Answer a, boolean dnssec) {
        Record soa = zone.soa();
        long ttl = Math.min(soa.ttl(), zone.minimum());
        a.authority.add(soa.withTtl(ttl));
        if (dnssec) {
            List<Record> sigs = zone.node(zone.origin()).get(Type.RRSIG);
            if (sigs != null) {
                for (Record sig : sigs) if (((sig.rdata()[0] & 0xff) << 8 | (sig.rdata()[1] & 0xff)) == Type.SOA) a.authority.add(sig.withTtl(ttl));
            }
        }
    }

    /** A and AAAA of the targets that lie in the zone (at or below a cut: glue). */
    private static void glue(Zone zone, List<Record> set, Answer a, boolean referral) {
        for (Record r : set) {
            Name target = Rdata.additionalName(r.type(), r.rdata());
            if (target == null || !target.isSubdomainOf(zone.origin())) continue;
            Zone.Node n = zone.node(target);
            if (n == null) continue;
            List<Record> v4 = n.get(Type.A), v6 = n.get(Type.AAAA);
            if (v4 != null) a.additional.add(v4);
            if (v6 != null) a.additional.add(v6);
        }
    }
}
