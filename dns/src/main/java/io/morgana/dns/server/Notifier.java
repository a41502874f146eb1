package io.morgana.dns.server;

import io.morgana.api.Endpoint;
import io.morgana.dns.tsig.Tsig;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Question;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * NOTIFY out (RFC 1996): after a change, tell each configured secondary, resending until it answers
 * (at most {@link #ATTEMPTS} times, backing off). Signed with the first TSIG key when there is one.
 * Bounded: one pending NOTIFY per zone and target, the newest SOA replacing an older one.
 */
final class Notifier {
    static final int ATTEMPTS = 5;
    static final long FIRST_INTERVAL_MS = 1000;

    private static final class Pending {
        final Name zone;
        final Endpoint to;
        Record soa;
        int id, attempts;
        long due;

        Pending(Name zone, Endpoint to) {
            this.zone = zone;
            this.to = to;
        }
    }

    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final RandomGenerator random;
    private final Map<Name, TsigKey> keys;

    Notifier(RandomGenerator random, Map<Name, TsigKey> keys) {
        this.random = random;
        this.keys = keys;
    }

    void queue(Name zone, Record soa, Endpoint to, long now) {
        Pending p = pending.computeIfAbsent(zone + "@" + to, k -> new Pending(zone, to));
        p.soa = soa;
        p.attempts = 0;
        p.due = now;
    }

    /** NOTIFY messages due at monotonic {@code now}, signed at wall-clock {@code wall}. */
    List<AuthServer.Action> poll(long wall, long now) {
        List<AuthServer.Action> out = new ArrayList<>();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.due > now) continue;
            if (p.attempts >= ATTEMPTS) {
                System.getLogger("dns").log(System.Logger.Level.WARNING, "NOTIFY for " + p.zone + " to " + p.to + " unanswered after " + ATTEMPTS + " tries");
                it.remove();
                continue;
            }
            p.attempts++;
            p.id = random.nextInt(0x10000);
            p.due = now + (FIRST_INTERVAL_MS << (p.attempts - 1));
            Message m = new Message();
            m.id = p.id;
            m.flags = Message.NOTIFY << 11 | Message.AA;
            m.questions.add(new Question(p.zone, Type.SOA, Record.IN));
            m.answers.add(p.soa);
            byte[] b = m.encode();
            if (!keys.isEmpty()) b = Tsig.client(keys.values().iterator().next()).sign(b, wall / 1000);
            out.add(new AuthServer.Action.Datagram(b, p.to));
        }
        return out;
    }

    long nextDeadline() {
        long d = Long.MAX_VALUE;
        for (Pending p : pending.values()) d = Math.min(d, p.due);
        return d;
    }

    boolean acknowledged(Message m, Endpoint from) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.id == m.id && p.to.equals(from) && p.attempts > 0) {
                it.remove();
                return true;
            }
        }
        return false;
    }
}
