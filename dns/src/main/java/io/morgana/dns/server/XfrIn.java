package io.morgana.dns.server;

import io.morgana.dns.tsig.Tsig;
import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Rdata;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import io.morgana.dns.wire.WireException;
import io.morgana.dns.zone.Zone;
import io.morgana.dns.zone.ZoneException;
import java.util.ArrayList;
import java.util.List;

/**
 * A zone transfer in (AXFR, RFC 5936, or IXFR, RFC 1995, which may come back AXFR-shaped or as a
 * single SOA meaning "up to date"), fed one response message at a time. Checks the ID, the
 * question, the RCODE and TSIG on every message. Bounded by {@link #MAX_RECORDS}.
 */
public final class XfrIn {
    static final int MAX_RECORDS = 2_000_000;

    private final Name origin;
    private final int id;
    private final Tsig tsig;
    private final long have;
    private final List<Record> records = new ArrayList<>();
    private long serial = -1;
    private boolean incremental, done;
    private int soasAfterFirst;
    private String error;

    XfrIn(Name origin, int id, Tsig tsig, long have) {
        this.origin = origin;
        this.id = id;
        this.tsig = tsig;
        this.have = have;
    }

    public Name origin() { return origin; }

    /** Null while fine, else why the transfer failed. */
    public String error() { return error; }

    public boolean done() { return done || error != null; }

    public void fail(String why) { if (error == null) error = why; }

    /** Takes one response message; true once the transfer is complete or has failed. */
    public boolean accept(byte[] msg, int len, long nowMillis) {
        if (done()) return true;
        Message m;
        try {
            m = Message.decode(msg, 0, len);
        } catch (WireException e) {
            fail("malformed message: " + e.getMessage());
            return true;
        }
        if (m.id != id || !m.isResponse()) {
            fail("response with a wrong ID");
            return true;
        }
        if (tsig != null) {
            Tsig.Result r = tsig.verify(msg, len, m, nowMillis / 1000);
            if (!r.ok()) {
                fail("TSIG: " + r.reason());
                return true;
            }
        }
        if (m.rcode() != 0) {
            fail("primary answered RCODE " + m.rcode());
            return true;
        }
        for (Record r : m.answers) {
            if (records.size() >= MAX_RECORDS) {
                fail("more than " + MAX_RECORDS + " records");
                return true;
            }
            if (records.isEmpty()) {
                if (r.type() != Type.SOA || !r.name().equals(origin)) {
                    fail("transfer does not start with the zone's SOA");
                    return true;
                }
                serial = Rdata.soaField(r.rdata(), 0);
                records.add(r);
                if (have >= 0 && !Serial.newer(serial, have) && m.answers.size() == 1) {
                    done = true;
                    return true;
                }
                continue;
            }
            if (records.size() == 1 && r.type() == Type.SOA && Rdata.soaField(r.rdata(), 0) != serial) incremental = true;
            records.add(r);
            if (r.type() == Type.SOA && r.name().equals(origin)) {
                soasAfterFirst++;
                long s = Rdata.soaField(r.rdata(), 0);
                if (s == serial && (!incremental || soasAfterFirst % 2 == 1)) {
                    done = true;
                    return true;
                }
            }
        }
        return false;
    }

    /** The zone after the transfer: {@code current} when up to date, a new zone otherwise. */
    public Zone result(Zone current) throws ZoneException {
        if (!done) throw new ZoneException("transfer of " + origin + " ended early");
        if (records.size() == 1) {
            if (current == null) throw new ZoneException("primary sent only its SOA but we hold no copy of " + origin);
            return current;
        }
        if (!incremental) return Zone.of(origin, records.subList(0, records.size() - 1), "AXFR of " + origin);
        if (current == null) throw new ZoneException("incremental transfer of " + origin + " but we hold no copy");
        Zone z = current;
        int i = 1;
        while (i < records.size() - 1) {
            Record oldSoa = records.get(i++);
            if (Rdata.soaField(oldSoa.rdata(), 0) != z.serial()) throw new ZoneException("IXFR diff starts at serial "
                    + Rdata.soaField(oldSoa.rdata(), 0) + " but we hold " + z.serial());
            List<Record> del = new ArrayList<>(), add = new ArrayList<>();
            while (records.get(i).type() != Type.SOA) del.add(records.get(i++));
            Record newSoa = records.get(i++);
            while (i < records.size() - 1 && records.get(i).type() != Type.SOA) add.add(records.get(i++));
            add.add(newSoa);
            z = z.apply(del, add, "IXFR of " + origin);
        }
        return z;
    }
}
