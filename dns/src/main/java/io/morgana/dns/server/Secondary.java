package io.morgana.dns.server;

import io.morgana.api.Endpoint;
import io.morgana.dns.tsig.Tsig;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Rdata;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import io.morgana.dns.zone.Zone;
import java.util.random.RandomGenerator;

/**
 * One secondary zone's timers (RFC 1034 §4.3.5, RFC 1996): check the primary's SOA every REFRESH,
 * after a failure every RETRY, stop serving after EXPIRE without success; a NOTIFY from the
 * primary checks at once. A newer serial starts a transfer: IXFR when we hold the zone, else AXFR.
 * Times are monotonic milliseconds, but for the wall-clock time that TSIG signs and checks.
 */
final class Secondary {
    static final long SOA_TIMEOUT_MS = 2000;
    static final int SOA_ATTEMPTS = 3;
    static final long INITIAL_RETRY_MS = 10_000;

    private final Name origin;
    private final Endpoint primary;
    private final TsigKey key;
    private final RandomGenerator random;
    private long nextCheck;
    private int soaId = -1;
    private Tsig soaTsig;
    private long soaSentAt;
    private int soaAttempts;
    private boolean transferWanted;
    private boolean transferring;
    private long expireAt = Long.MAX_VALUE;

    Secondary(Name origin, Endpoint primary, TsigKey key, RandomGenerator random) {
        this.origin = origin;
        this.primary = primary;
        this.key = key;
        this.random = random;
    }

    Name origin() { return origin; }
    Endpoint primary() { return primary; }
    TsigKey key() { return key; }

    /** Work due at monotonic {@code now}; {@code wall} signs what is sent. */
    AuthServer.Action poll(Zone current, long wall, long now) {
        if (transferring) return null;
        if (transferWanted || (current == null && now >= nextCheck)) {
            transferWanted = false;
            transferring = true;
            soaId = -1;
            return transfer(current, wall);
        }
        if (soaId >= 0) {
            if (now - soaSentAt < SOA_TIMEOUT_MS) return null;
            if (soaAttempts >= SOA_ATTEMPTS) {
                soaId = -1;
                nextCheck = now + retry(current);
                return null;
            }
            return soaQuery(wall, now);
        }
        if (now >= nextCheck) {
            soaAttempts = 0;
            return soaQuery(wall, now);
        }
        return null;
    }

    private AuthServer.Action soaQuery(long wall, long now) {
        soaAttempts++;
        soaId = random.nextInt(0x10000);
        soaSentAt = now;
        byte[] q = Message.query(soaId, origin, Type.SOA).encode();
        if (key != null) {
            soaTsig = Tsig.client(key);
            q = soaTsig.sign(q, wall / 1000);
        }
        return new AuthServer.Action.Datagram(q, primary);
    }

    private AuthServer.Action transfer(Zone current, long wall) {
        int id = random.nextInt(0x10000);
        Message m = Message.query(id, origin, current == null ? Type.AXFR : Type.IXFR);
        if (current != null) m.authority.add(current.soa());
        byte[] q = m.encode();
        Tsig t = null;
        if (key != null) {
            t = Tsig.client(key);
            q = t.sign(q, wall / 1000);
        }
        long have = current == null ? -1 : current.serial();
        return new AuthServer.Action.Transfer(primary, q, new XfrIn(origin, id, t, have));
    }

    long nextDeadline() {
        if (transferring) return Long.MAX_VALUE;
        if (transferWanted) return 0;
        if (soaId >= 0) return soaSentAt + SOA_TIMEOUT_MS;
        return Math.min(nextCheck, expireAt);
    }

    boolean expired(long now) { return now > expireAt; }

    void notified(long now) {
        if (!transferring) nextCheck = now;
        soaId = -1;
    }

    /** Whether the response was ours (and handled). */
    boolean onSoaResponse(byte[] wire, int len, Message m, Endpoint from, long wall, long now) {
        if (soaId < 0 || m.id != soaId || !from.address().equals(primary.address())) return false;
        if (soaTsig != null && !soaTsig.verify(wire, len, m, wall / 1000).ok()) return false;
        soaId = -1;
        Record soa = null;
        for (Record r : m.answers) if (r.type() == Type.SOA && r.name().equals(origin)) soa = r;
        if (m.rcode() != 0 || soa == null) {
            nextCheck = now + INITIAL_RETRY_MS;
            return true;
        }
        long seen = Rdata.soaField(soa.rdata(), 0);
        if (haveSerial >= 0 && !Serial.newer(seen, haveSerial)) {
            nextCheck = now + refreshMs;
            return true;
        }
        transferWanted = true;
        return true;
    }

    private long haveSerial = -1;
    private long refreshMs = INITIAL_RETRY_MS;

    void transferFailed(Zone current, long now) {
        transferring = false;
        nextCheck = now + retry(current);
    }

    void transferred(Zone zone, long now) {
        transferring = false;
        haveSerial = zone.serial();
        refreshMs = 1000 * Rdata.soaField(zone.soa().rdata(), 1);
        nextCheck = now + refreshMs;
        expireAt = now + 1000 * Rdata.soaField(zone.soa().rdata(), 3);
    }

    private static long retry(Zone current) {
        return current == null ? INITIAL_RETRY_MS : 1000 * Rdata.soaField(current.soa().rdata(), 2);
    }
}
