package io.morgana.net.dhcp;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.MacAddress;
import io.morgana.api.Random;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A DHCP client (RFC 2131, options of RFC 2132) as a sans-I/O state machine: each call takes the
 * time ({@code now}, monotonic nanoseconds) and an input — {@link #start}, a received UDP payload
 * ({@link #receive}), the timer ({@link #timer}) or {@link #release} — and returns a {@link Step}:
 * datagrams to transmit, the address to bind or unbind, log lines, and when the timer must next
 * fire. Randomness (transaction ids, jitter) is injected. No threads, sockets or clocks inside.
 *
 * <p>States and timers as in RFC 2131 §4.4: INIT → SELECTING (DISCOVER, retransmitted after 4, 8,
 * 16, 32, 64, 64, … s with ±1 s jitter, for ever, logging each retry) → REQUESTING (REQUEST,
 * retransmitted the same way, back to INIT after {@value #REQUEST_TRIES} tries) → BOUND →
 * RENEWING at T1 (REQUEST unicast to the server, retransmitted at half the time left to T2, at
 * least 60 s apart) → REBINDING at T2 (broadcast, likewise towards expiry) → at expiry the address
 * is unbound and discovery starts again. Started with a previous address the client goes through
 * INIT-REBOOT (REQUEST for that address, no server id) and falls back to INIT on NAK or silence.
 * A NAK in any state unbinds and restarts.
 *
 * <p>Replies are only taken when the transaction id and hardware address match; everything else is
 * counted under {@code dhcp.rx.drop.REASON} ({@link #counters()}). The broadcast flag is set so
 * that servers answer by broadcast while we have no address.
 */
public final class DhcpClient {

    public enum State { INIT, SELECTING, REQUESTING, INIT_REBOOT, BOUND, RENEWING, REBINDING, STOPPED }

    /** Something the shell must do. */
    public sealed interface Output {}

    /** Send {@code payload} as UDP from {@code source}:68 to {@code destination}:67. */
    public record Transmit(byte[] payload, Ipv4Address source, Ipv4Address destination) implements Output {}

    /** Configure the interface from {@code lease} (first bind, or a renewal whose options may differ). */
    public record Bind(Lease lease) implements Output {}

    /** Remove the address of {@code lease} (expired, NAK'd or released). */
    public record Unbind(Lease lease, String reason) implements Output {}

    public enum Level { DEBUG, INFO, WARN }

    /** A log line for the {@code dhcp} source. */
    public record Log(Level level, String message) implements Output {}

    /** What one input produced, and the deadline (nanos) for the next {@link #timer} call, or {@link Long#MAX_VALUE}. */
    public record Step(List<Output> outputs, long nextTimer) {
        public Step {
            outputs = List.copyOf(outputs);
        }

        public <T extends Output> List<T> all(Class<T> type) {
            return outputs.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    static final long SECOND = 1_000_000_000L;
    static final long INITIAL_RETRANSMIT = 4 * SECOND, MAX_RETRANSMIT = 64 * SECOND, MIN_RENEW_RETRANSMIT = 60 * SECOND;
    static final int REQUEST_TRIES = 4, REBOOT_TRIES = 2;
    private static final byte[] PARAMETERS = {DhcpMessage.OPT_SUBNET_MASK, DhcpMessage.OPT_ROUTER, DhcpMessage.OPT_DNS,
            DhcpMessage.OPT_HOSTNAME, DhcpMessage.OPT_DOMAIN, DhcpMessage.OPT_MTU, DhcpMessage.OPT_BROADCAST,
            DhcpMessage.OPT_LEASE_TIME, DhcpMessage.OPT_SERVER_ID, DhcpMessage.OPT_T1, DhcpMessage.OPT_T2};

    private final MacAddress mac;
    private final String hostname;
    private final Random random;
    private final Map<String, Long> counters = new TreeMap<>();

    private State state = State.INIT;
    private int xid;
    private long acquiringSince;
    private int attempts;
    private long retransmitAt = Long.MAX_VALUE;
    private long requestSentAt;
    private DhcpMessage offer;
    private Ipv4Address rebootAddress;
    private Lease lease;
    private long renewAt = Long.MAX_VALUE, rebindAt = Long.MAX_VALUE, expiresAt = Long.MAX_VALUE;

    /**
     * @param mac      our hardware address (chaddr and client identifier)
     * @param hostname sent in option 12, or null
     * @param random   for transaction ids and jitter
     */
    public DhcpClient(MacAddress mac, String hostname, Random random) {
        this.mac = mac;
        this.hostname = hostname == null || hostname.isBlank() ? null : hostname;
        this.random = random;
    }

    public State state() { return state; }

    /** The lease in force (BOUND, RENEWING, REBINDING), or null. */
    public Lease lease() { return lease; }

    /** Drops and transmissions by reason, e.g. {@code dhcp.rx.drop.wrong-xid}. */
    public Map<String, Long> counters() { return new TreeMap<>(counters); }

    /** Starts discovery; with {@code previous} (an address held before) it starts in INIT-REBOOT instead. */
    public Step start(long now, Ipv4Address previous) {
        List<Output> out = new ArrayList<>();
        if (previous != null && !previous.isAny()) {
            rebootAddress = previous;
            state = State.INIT_REBOOT;
            newTransaction(now);
            out.add(new Log(Level.INFO, "asking to keep " + previous + " (INIT-REBOOT)"));
            sendRequest(now, out);
        } else {
            discover(now, out);
        }
        return step(out);
    }

    /**
     * The link came back after being down (RFC 2131 §3.2: the client may have moved): with a lease,
     * verify it by INIT-REBOOT while keeping the address; on silence keep using it until it ends,
     * on NAK give it up. Without a lease, discovery restarts at once rather than after backoff.
     */
    public Step linkReconnected(long now) {
        List<Output> out = new ArrayList<>();
        if (state == State.STOPPED) return step(out);
        if (lease != null) {
            rebootAddress = lease.address().address();
            state = State.INIT_REBOOT;
            newTransaction(now);
            out.add(new Log(Level.INFO, "link is back; checking that " + rebootAddress + " is still ours (INIT-REBOOT)"));
            sendRequest(now, out);
        } else {
            out.add(new Log(Level.INFO, "link is back; discovering again"));
            discover(now, out);
        }
        return step(out);
    }

    /** Runs whatever is due at {@code now}; harmless to call early. */
    public Step timer(long now) {
        List<Output> out = new ArrayList<>();
        if (lease != null && now >= expiresAt && state == State.INIT_REBOOT) {
            expire(out, now);
            return step(out);
        }
        switch (state) {
            case SELECTING -> {
                if (now >= retransmitAt) {
                    out.add(new Log(Level.WARN, "no DHCP server answered " + attempts + " DISCOVER"
                            + (attempts == 1 ? "" : "s") + "; retrying (is a server reachable on this link?)"));
                    sendDiscover(now, out);
                }
            }
            case REQUESTING, INIT_REBOOT -> {
                if (now >= retransmitAt) {
                    int limit = state == State.REQUESTING ? REQUEST_TRIES : REBOOT_TRIES;
                    if (attempts >= limit && state == State.INIT_REBOOT && lease != null) {
                        out.add(new Log(Level.WARN, "no answer to INIT-REBOOT; keeping " + lease.address()
                                + " until its lease ends"));
                        state = now >= renewAt ? State.RENEWING : State.BOUND;
                        retransmitAt = now; // a RENEWING client asks again at once
                        if (state == State.RENEWING) leaseTimers(now, out);
                    } else if (attempts >= limit) {
                        out.add(new Log(Level.WARN, "no answer to " + attempts + " REQUESTs; starting over"));
                        discover(now, out);
                    } else {
                        out.add(new Log(Level.INFO, "no answer to REQUEST; retrying"));
                        sendRequest(now, out);
                    }
                }
            }
            case BOUND, RENEWING, REBINDING -> leaseTimers(now, out);
            case INIT, STOPPED -> { }
        }
        return step(out);
    }

    /** Takes a UDP payload received on port 68. Malformed or foreign messages are counted and ignored. */
    public Step receive(long now, ByteBuffer payload) {
        List<Output> out = new ArrayList<>();
        DhcpMessage m = switch (DhcpMessage.parse(payload)) {
            case DhcpMessage.Parsed.Ok ok -> ok.message();
            case DhcpMessage.Parsed.Rejected r -> {
                count("dhcp.rx.drop." + r.reason());
                yield null;
            }
        };
        if (m == null) return step(out);
        if (m.op() != DhcpMessage.BOOTREPLY) return drop("not-a-reply", out);
        if (m.xid() != xid) return drop("wrong-xid", out);
        if (!m.chaddr().equals(mac)) return drop("wrong-chaddr", out);
        int type = m.type();
        count("dhcp.rx." + typeName(type));
        switch (state) {
            case SELECTING -> {
                if (type != DhcpMessage.OFFER) return drop("unexpected-" + typeName(type), out);
                if (!usable(m.yiaddr())) return drop("bad-offered-address", out);
                if (m.addressOption(DhcpMessage.OPT_SERVER_ID) == null) return drop("no-server-id", out);
                offer = m;
                state = State.REQUESTING;
                attempts = 0;
                out.add(new Log(Level.INFO, "offered " + m.yiaddr() + " by " + m.addressOption(DhcpMessage.OPT_SERVER_ID)));
                sendRequest(now, out);
            }
            case REQUESTING, INIT_REBOOT, RENEWING, REBINDING -> {
                Ipv4Address server = m.addressOption(DhcpMessage.OPT_SERVER_ID);
                if (state == State.REQUESTING && server != null
                        && !server.equals(offer.addressOption(DhcpMessage.OPT_SERVER_ID))) {
                    return drop("other-server", out);
                }
                if (type == DhcpMessage.NAK) {
                    byte[] why = m.option(DhcpMessage.OPT_MESSAGE);
                    out.add(new Log(Level.WARN, "server " + server + " refused (NAK"
                            + (why != null ? ": " + printable(why) : "") + "); starting over"));
                    if (lease != null) out.add(new Unbind(lease, "NAK from " + server));
                    lease = null;
                    discover(now, out);
                } else if (type == DhcpMessage.ACK) {
                    Lease granted = leaseFrom(m);
                    if (granted == null) return drop("bad-ack", out);
                    bind(now, granted, out);
                } else {
                    return drop("unexpected-" + typeName(type), out);
                }
            }
            case INIT, BOUND, STOPPED -> {
                return drop("unexpected-" + typeName(type), out);
            }
        }
        return step(out);
    }

    /** Gives the address back (RELEASE to the server) and stops; the shell removes the address. */
    public Step release(long now) {
        List<Output> out = new ArrayList<>();
        if (lease != null) {
            Map<Integer, byte[]> o = baseOptions(DhcpMessage.RELEASE);
            o.put(DhcpMessage.OPT_SERVER_ID, lease.server().toBytes());
            o.remove(DhcpMessage.OPT_PARAMETERS);
            o.remove(DhcpMessage.OPT_MAX_SIZE);
            xid = random.nextInt(Integer.MAX_VALUE);
            DhcpMessage rel = new DhcpMessage(DhcpMessage.BOOTREQUEST, xid, 0, false, lease.address().address(),
                    Ipv4Address.ANY, Ipv4Address.ANY, Ipv4Address.ANY, mac, o);
            out.add(new Transmit(rel.encode(), lease.address().address(), lease.server()));
            out.add(new Unbind(lease, "released"));
            out.add(new Log(Level.INFO, "released " + lease.address().address()));
            count("dhcp.tx.release");
        }
        lease = null;
        state = State.STOPPED;
        retransmitAt = renewAt = rebindAt = expiresAt = Long.MAX_VALUE;
        return step(out);
    }

    private void leaseTimers(long now, List<Output> out) {
        if (now >= expiresAt) {
            expire(out, now);
            return;
        }
        if (state == State.BOUND && now >= renewAt) {
            state = State.RENEWING;
            newTransaction(now);
            out.add(new Log(Level.INFO, "renewing " + lease.address().address() + " with " + lease.server()));
            sendRequest(now, out);
            return;
        }
        if (state == State.RENEWING && now >= rebindAt) {
            state = State.REBINDING;
            newTransaction(now);
            out.add(new Log(Level.WARN, "server " + lease.server() + " did not renew; rebinding with any server"));
            sendRequest(now, out);
            return;
        }
        if ((state == State.RENEWING || state == State.REBINDING) && now >= retransmitAt) {
            out.add(new Log(Level.INFO, "no answer to " + (state == State.RENEWING ? "renewal" : "rebinding") + "; retrying"));
            sendRequest(now, out);
        }
    }

    private void expire(List<Output> out, long now) {
        out.add(new Log(Level.WARN, "lease of " + lease.address() + " expired without renewal; address removed"));
        out.add(new Unbind(lease, "lease expired"));
        lease = null;
        discover(now, out);
    }

    private void discover(long now, List<Output> out) {
        state = State.SELECTING;
        offer = null;
        rebootAddress = null;
        renewAt = rebindAt = expiresAt = Long.MAX_VALUE;
        newTransaction(now);
        sendDiscover(now, out);
    }

    private void newTransaction(long now) {
        xid = random.nextInt(Integer.MAX_VALUE);
        acquiringSince = now;
        attempts = 0;
    }

    private void sendDiscover(long now, List<Output> out) {
        Map<Integer, byte[]> o = baseOptions(DhcpMessage.DISCOVER);
        DhcpMessage m = new DhcpMessage(DhcpMessage.BOOTREQUEST, xid, secs(now), true, Ipv4Address.ANY, Ipv4Address.ANY,
                Ipv4Address.ANY, Ipv4Address.ANY, mac, o);
        out.add(new Transmit(m.encode(), Ipv4Address.ANY, Ipv4Address.BROADCAST));
        count("dhcp.tx.discover");
        attempts++;
        retransmitAt = now + backoff(attempts);
    }

    private void sendRequest(long now, List<Output> out) {
        Map<Integer, byte[]> o = baseOptions(DhcpMessage.REQUEST);
        Ipv4Address ciaddr = Ipv4Address.ANY, src = Ipv4Address.ANY, dst = Ipv4Address.BROADCAST;
        switch (state) {
            case REQUESTING -> {
                o.put(DhcpMessage.OPT_REQUESTED_IP, offer.yiaddr().toBytes());
                o.put(DhcpMessage.OPT_SERVER_ID, offer.option(DhcpMessage.OPT_SERVER_ID));
            }
            case INIT_REBOOT -> o.put(DhcpMessage.OPT_REQUESTED_IP, rebootAddress.toBytes());
            case RENEWING -> {
                ciaddr = src = lease.address().address();
                dst = lease.server();
            }
            case REBINDING -> ciaddr = src = lease.address().address();
            default -> throw new IllegalStateException("no REQUEST in " + state);
        }
        boolean broadcastFlag = state == State.REQUESTING || state == State.INIT_REBOOT;
        DhcpMessage m = new DhcpMessage(DhcpMessage.BOOTREQUEST, xid, secs(now), broadcastFlag, ciaddr, Ipv4Address.ANY,
                Ipv4Address.ANY, Ipv4Address.ANY, mac, o);
        out.add(new Transmit(m.encode(), src, dst));
        count("dhcp.tx.request");
        requestSentAt = now;
        attempts++;
        retransmitAt = switch (state) {
            case RENEWING -> now + Math.max(MIN_RENEW_RETRANSMIT, (rebindAt - now) / 2);
            case REBINDING -> now + Math.max(MIN_RENEW_RETRANSMIT, (expiresAt - now) / 2);
            default -> now + backoff(attempts);
        };
    }

    private Map<Integer, byte[]> baseOptions(int type) {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpMessage.OPT_MESSAGE_TYPE, new byte[] {(byte) type});
        byte[] id = new byte[7];
        id[0] = 1; // hardware type Ethernet, then the MAC (RFC 2132 §9.14)
        System.arraycopy(mac.toBytes(), 0, id, 1, 6);
        o.put(DhcpMessage.OPT_CLIENT_ID, id);
        o.put(DhcpMessage.OPT_MAX_SIZE, new byte[] {0x05, (byte) 0xdc}); // 1500: we reassemble, but keep it modest
        o.put(DhcpMessage.OPT_PARAMETERS, PARAMETERS.clone());
        if (hostname != null) o.put(DhcpMessage.OPT_HOSTNAME, hostname.getBytes(StandardCharsets.US_ASCII));
        return o;
    }

    private void bind(long now, Lease granted, List<Output> out) {
        Lease old = lease;
        if (old != null && !old.address().equals(granted.address())) out.add(new Unbind(old, "server assigned " + granted.address()));
        boolean renewal = old != null && old.address().equals(granted.address());
        lease = granted;
        state = State.BOUND;
        offer = null;
        retransmitAt = Long.MAX_VALUE;
        long start = requestSentAt; // RFC 2131 §4.4.1: the lease runs from when the REQUEST was sent
        if (granted.infinite()) {
            renewAt = rebindAt = expiresAt = Long.MAX_VALUE;
        } else {
            renewAt = start + granted.renewAfter().toNanos();
            rebindAt = start + granted.rebindAfter().toNanos();
            expiresAt = start + granted.duration().toNanos();
        }
        out.add(new Bind(granted));
        out.add(new Log(Level.INFO, "" + (renewal ? "renewed " : "bound ") + granted));
        count(renewal ? "dhcp.renewed" : "dhcp.bound");
    }

    /** The lease an ACK grants, or null when the ACK is unusable. */
    private Lease leaseFrom(DhcpMessage ack) {
        Ipv4Address addr = ack.yiaddr();
        if (!usable(addr)) return null;
        long seconds = ack.u32Option(DhcpMessage.OPT_LEASE_TIME);
        if (seconds <= 0) return null; // RFC 2131 table 3: an ACK to a REQUEST carries the lease time
        Ipv4Address server = ack.addressOption(DhcpMessage.OPT_SERVER_ID);
        if (server == null) server = lease != null ? lease.server() : offer != null ? offer.addressOption(DhcpMessage.OPT_SERVER_ID) : null;
        if (server == null) return null;
        int prefix = prefixLength(ack.addressOption(DhcpMessage.OPT_SUBNET_MASK), addr);
        List<Ipv4Address> routers = ack.addressListOption(DhcpMessage.OPT_ROUTER);
        int mtu = ack.u16Option(DhcpMessage.OPT_MTU);
        byte[] name = ack.option(DhcpMessage.OPT_HOSTNAME);
        Duration d = Duration.ofSeconds(seconds);
        Duration t1 = Duration.ofSeconds(seconds / 2), t2 = Duration.ofSeconds(seconds * 7 / 8);
        long o1 = ack.u32Option(DhcpMessage.OPT_T1), o2 = ack.u32Option(DhcpMessage.OPT_T2);
        if (o1 > 0 && o2 > 0 && o1 < o2 && o2 < seconds) {
            t1 = Duration.ofSeconds(o1);
            t2 = Duration.ofSeconds(o2);
        }
        return new Lease(new Ipv4Prefix(addr, prefix), routers.isEmpty() ? null : routers.get(0),
                ack.addressListOption(DhcpMessage.OPT_DNS), mtu >= 68 ? mtu : 0, name == null ? null : printable(name),
                server, seconds == 0xffff_ffffL ? Lease.INFINITE : d, t1, t2);
    }

    static int prefixLength(Ipv4Address mask, Ipv4Address addr) {
        if (mask != null) {
            int m = mask.bits(), len = Integer.bitCount(m);
            if (len > 0 && m == -1 << (32 - len)) return len;
        }
        int first = addr.bits() >>> 24; // no usable mask: the classful default (RFC 2131 §4.4.1 leaves it to us)
        return first < 128 ? 8 : first < 192 ? 16 : 24;
    }

    private static boolean usable(Ipv4Address a) {
        return !a.isAny() && !a.isBroadcast() && !a.isMulticast() && !a.isLoopback() && (a.bits() >>> 24) < 240;
    }

    private long backoff(int attempt) {
        long base = Math.min(MAX_RETRANSMIT, INITIAL_RETRANSMIT << Math.min(attempt - 1, 4));
        long jitter = random.nextInt((int) (2 * SECOND / 1000) + 1) * 1000L - SECOND; // uniform in [-1 s, +1 s]
        return base + jitter;
    }

    private int secs(long now) { return (int) Math.min(0xffff, Math.max(0, (now - acquiringSince) / SECOND)); }

    private Step drop(String reason, List<Output> out) {
        count("dhcp.rx.drop." + reason);
        return step(out);
    }

    private void count(String name) { counters.merge(name, 1L, Long::sum); }

    private Step step(List<Output> out) {
        long next = switch (state) {
            case SELECTING, REQUESTING -> retransmitAt;
            case INIT_REBOOT -> Math.min(retransmitAt, expiresAt);
            case BOUND -> Math.min(renewAt, expiresAt);
            case RENEWING -> Math.min(Math.min(retransmitAt, rebindAt), expiresAt);
            case REBINDING -> Math.min(retransmitAt, expiresAt);
            case INIT, STOPPED -> Long.MAX_VALUE;
        };
        return new Step(out, next);
    }

    private static String typeName(int type) {
        return switch (type) {
            case DhcpMessage.DISCOVER -> "discover";
            case DhcpMessage.OFFER -> "offer";
            case DhcpMessage.REQUEST -> "request";
            case DhcpMessage.DECLINE -> "decline";
            case DhcpMessage.ACK -> "ack";
            case DhcpMessage.NAK -> "nak";
            case DhcpMessage.RELEASE -> "release";
            case DhcpMessage.INFORM -> "inform";
            default -> "type-" + type;
        };
    }

    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 128); i++) {
            char c = (char) (b[i] & 0xff);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
