package io.morgana.dns.resolver;

import io.morgana.api.Clock;
import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.IpAddress;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv6Address;
import io.morgana.api.Random;
import io.morgana.api.Resolver;
import io.morgana.api.Stack;
import io.morgana.api.UdpSocket;
import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Rdata;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import io.morgana.dns.wire.WireException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stub resolver over any {@link Stack}: asks the configured servers over UDP (a fresh source
 * port and a random ID per query, the answer must come from the server asked and match the
 * question), tries each server in turn for {@code attempts} rounds, repeats over TCP when the answer
 * is truncated, follows CNAMEs in the answer, and caches answers and negative answers for their TTL
 * (at most a day; negative at most 5 minutes) in a bounded LRU cache.
 */
public final class StubResolver implements Resolver {

    static final int CACHE_ENTRIES = 1024;
    static final long MAX_TTL = 86_400, MAX_NEGATIVE_TTL = 300;

    private final Stack stack;
    private final List<Endpoint> servers;
    private final Clock clock;
    private final Random random;
    private final Duration timeout;
    private final int attempts;

    private record Cached(List<IpAddress> addresses, long expiresNanos) {}

    private final Map<String, Cached> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Cached> e) { return size() > CACHE_ENTRIES; }
    };

    /**
     * @param servers  recursive servers to ask, in order (e.g. from {@code --dns-servers} or DHCP)
     * @param timeout  how long to wait for each UDP answer
     * @param attempts rounds over all servers before giving up
     */
    public StubResolver(Stack stack, List<Endpoint> servers, Clock clock, Random random, Duration timeout, int attempts) {
        if (servers.isEmpty()) throw new IllegalArgumentException("a resolver needs at least one DNS server (--dns-servers)");
        this.stack = stack;
        this.servers = List.copyOf(servers);
        this.clock = clock;
        this.random = random;
        this.timeout = timeout;
        this.attempts = Math.max(1, attempts);
    }

    @Override public List<Ipv4Address> resolveIpv4(String name) throws IOException {
        List<Ipv4Address> r = new ArrayList<>();
        for (IpAddress a : lookup(name, Type.A)) r.add((Ipv4Address) a);
        if (r.isEmpty()) throw new UnknownHostException(name + ": no IPv4 address (A record)");
        return r;
    }

    @Override public List<Ipv6Address> resolveIpv6(String name) throws IOException {
        List<Ipv6Address> r = new ArrayList<>();
        for (IpAddress a : lookup(name, Type.AAAA)) r.add((Ipv6Address) a);
        if (r.isEmpty()) throw new UnknownHostException(name + ": no IPv6 address (AAAA record)");
        return r;
    }

    @Override public List<IpAddress> resolve(String name) throws IOException {
        if (name.matches("[0-9.]+") || name.indexOf(':') >= 0) {
            try {
                return List.of(IpAddress.parse(name));
            } catch (IllegalArgumentException e) {
                // not a literal after all: ask
            }
        }
        List<IpAddress> r = new ArrayList<>(lookup(name, Type.A));
        r.addAll(lookup(name, Type.AAAA));
        if (r.isEmpty()) throw new UnknownHostException(name + ": no address");
        return r;
    }

    private List<IpAddress> lookup(String host, int type) throws IOException {
        Name name;
        try {
            name = Name.of(host);
        } catch (IllegalArgumentException e) {
            throw new UnknownHostException(host + ": not a valid host name (" + e.getMessage() + ")");
        }
        String key = name.toLowerCase() + "/" + type;
        long now = clock.nanoTime();
        synchronized (cache) {
            Cached e = cache.get(key);
            if (e != null && e.expiresNanos - now > 0) return e.addresses;
        }
        Message answer = ask(name, type);
        if (answer.rcode() != Message.NOERROR && answer.rcode() != Message.NXDOMAIN) {
            String[] names = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
            String rcode = answer.rcode() < names.length ? names[answer.rcode()] : "";
            throw new IOException("DNS server " + servers + " answered RCODE " + answer.rcode() + " " + rcode + " for " + name + " " + Type.name(type));
        }
        Result r = extract(answer, name, type);
        synchronized (cache) {
            cache.put(key, new Cached(r.addresses, now + r.ttl * 1_000_000_000L));
        }
        return r.addresses;
    }

    /** Addresses found and how long they may be cached. */
    record Result(List<IpAddress> addresses, long ttl) {}

    /** The addresses for {@code name} in {@code m}, following CNAMEs; a pure function (tests use it directly). */
    static Result extract(Message m, Name name, int type) {
        Name target = name;
        long ttl = MAX_TTL;
        for (int hops = 0; hops < 16; hops++) {
            boolean moved = false;
            for (Record r : m.answers) {
                if (r.type() == Type.CNAME && r.name().equals(target)) {
                    target = Name.fromWire(r.rdata(), 0);
                    ttl = Math.min(ttl, r.ttl());
                    moved = true;
                    break;
                }
            }
            if (!moved) break;
        }
        List<IpAddress> out = new ArrayList<>();
        for (Record r : m.answers) {
            if (r.type() == type && r.name().equals(target) && (r.rdata().length == 4 || r.rdata().length == 16)) {
                out.add(IpAddress.of(r.rdata()));
                ttl = Math.min(ttl, r.ttl());
            }
        }
        if (out.isEmpty()) {
            ttl = MAX_NEGATIVE_TTL;
            for (Record r : m.authority) {
                if (r.type() == Type.SOA) ttl = Math.min(ttl, Math.min(r.ttl(), Rdata.soaField(r.rdata(), 4)));
            }
        }
        return new Result(List.copyOf(out), ttl);
    }

    private Message ask(Name name, int type) throws IOException {
        IOException last = null;
        for (int round = 0; round < attempts; round++) {
            for (Endpoint server : servers) {
                try {
                    Message m = askUdp(server, name, type);
                    if (m == null) continue;
                    if (m.has(Message.TC)) m = askTcp(server, name, type);
                    return m;
                } catch (IOException e) {
                    last = e;
                }
            }
        }
        if (last != null && !(last instanceof SocketTimeoutException)) throw last;
        throw new SocketTimeoutException("no answer for " + name + " " + Type.name(type) + " from " + servers + " after " + attempts + " rounds");
    }

    private int newId() { return random.nextInt(0x10000); }

    private Message askUdp(Endpoint server, Name name, int type) throws IOException {
        int id = newId();
        byte[] q = query(id, name, type);
        try (UdpSocket s = stack.udp().bind(0)) {
            s.send(ByteBuffer.wrap(q), server);
            long deadline = clock.nanoTime() + timeout.toNanos();
            ByteBuffer in = ByteBuffer.allocate(65535);
            while (true) {
                long left = deadline - clock.nanoTime();
                if (left <= 0) return null;
                s.receiveTimeout(Duration.ofNanos(left));
                in.clear();
                Endpoint from;
                try {
                    from = s.receive(in);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                Message m = matching(in.array(), in.position(), id, name, type);
                if (m != null && from.equals(server)) return m;
            }
        }
    }

    private Message askTcp(Endpoint server, Name name, int type) throws IOException {
        int id = newId();
        byte[] q = query(id, name, type);
        try (Flow f = stack.tcp().connect(server, timeout)) {
            f.readTimeout(timeout);
            ByteBuffer out = ByteBuffer.allocate(2 + q.length);
            out.putShort((short) q.length).put(q).flip();
            f.write(out);
            ByteBuffer head = ByteBuffer.allocate(2);
            while (head.hasRemaining()) if (f.read(head) < 0) throw new EOFException("DNS server " + server + " closed TCP early");
            byte[] buf = new byte[head.getShort(0) & 0xffff];
            ByteBuffer body = ByteBuffer.wrap(buf);
            while (body.hasRemaining()) if (f.read(body) < 0) throw new EOFException("DNS server " + server + " closed TCP early");
            Message m = matching(buf, buf.length, id, name, type);
            if (m == null) throw new IOException("DNS server " + server + " sent a TCP answer that does not match the question");
            return m;
        }
    }

    private static byte[] query(int id, Name name, int type) {
        Message m = Message.query(id, name, type);
        m.flags = Message.RD;
        return m.encode();
    }

    private static Message matching(byte[] b, int len, int id, Name name, int type) {
        try {
            Message m = Message.decode(b, 0, len);
            if (m.id != id || !m.isResponse() || m.question() == null) return null;
            if (!m.question().name().equals(name) || m.question().type() != type) return null;
            return m;
        } catch (WireException e) {
            return null;
        }
    }
}
