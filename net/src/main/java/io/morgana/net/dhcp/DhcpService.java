package io.morgana.net.dhcp;

import io.morgana.api.Ipv4Address;
import io.morgana.net.stack.NetStack;
import io.morgana.net.udp.UdpLayer;
import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.runtime.EventLoop;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * The effectful shell around {@link DhcpClient} on a {@link NetStack} ({@code --dhcp}): binds UDP
 * port 68 inside the stack, sends what the client says, sets and clears the stack's address on
 * bind and unbind, keeps one timer on the stack's loop, and logs under the {@code dhcp} source.
 * Everything runs on the loop thread.
 */
public final class DhcpService implements AutoCloseable {
    private static final Logger LOG = System.getLogger("dhcp");

    private final NetStack stack;
    private final EventLoop loop;
    private final DhcpClient client;
    private EventLoop.Timer timer;
    private long timerAt = Long.MAX_VALUE;
    private volatile Lease lease;
    private volatile boolean closed;

    private DhcpService(NetStack stack, String hostname) {
        this.stack = stack;
        this.loop = stack.loop();
        this.client = new DhcpClient(stack.link().mac(), hostname, stack.random());
    }

    /**
     * Starts DHCP on {@code stack} (already {@link NetStack#start started}); returns at once.
     *
     * @param hostname sent as option 12 ({@code --name}), or null
     * @param previous an address held before, to try INIT-REBOOT, or null
     */
    public static DhcpService start(NetStack stack, String hostname, Ipv4Address previous) {
        DhcpService s = new DhcpService(stack, hostname);
        s.loop.execute(() -> {
            try {
                stack.udpLayer().bind(DhcpMessage.CLIENT_PORT, (src, sport, dst, dport, payload) -> s.datagram(sport, payload));
            } catch (BindException e) {
                LOG.log(Level.ERROR, "cannot bind UDP port 68 in the stack: " + e.getMessage());
                return;
            }
            LOG.log(Level.INFO, "looking for a DHCP server on the link");
            s.apply(s.client.start(s.loop.nanoTime(), previous));
        });
        return s;
    }

    /** Tells the client the link came back up (it verifies its lease by INIT-REBOOT). Any thread. */
    public void linkReconnected() {
        loop.execute(() -> {
            if (!closed) apply(client.linkReconnected(loop.nanoTime()));
        });
    }

    /** The lease in force, or null while there is none. Any thread. */
    public Lease lease() { return lease; }

    /** The client's counters ({@code dhcp.*}), also visible in the stack's counters. Any thread. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new java.util.TreeMap<>();
        stack.counters().forEach((k, v) -> {
            if (k.startsWith("dhcp.")) m.put(k, v);
        });
        return m;
    }

    private void datagram(int sourcePort, ByteBuffer payload) {
        if (closed || sourcePort != DhcpMessage.SERVER_PORT) return;
        apply(client.receive(loop.nanoTime(), payload));
    }

    private void onTimer() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        if (!closed) apply(client.timer(loop.nanoTime()));
    }

    private void apply(DhcpClient.Step step) {
        UdpLayer udp = stack.udpLayer();
        for (DhcpClient.Output o : step.outputs()) {
            switch (o) {
                case DhcpClient.Transmit t -> udp.send(t.source().bits(), DhcpMessage.CLIENT_PORT, t.destination().bits(),
                        DhcpMessage.SERVER_PORT, ByteBuffer.wrap(t.payload()));
                case DhcpClient.Bind b -> {
                    Lease l = b.lease();
                    Ipv4Address gw = l.router() != null && l.address().contains(l.router()) ? l.router() : null;
                    stack.configureIpv4(l.address(), gw);
                    stack.dnsServers(l.dns());
                    stack.interfaceMtu(l.mtu());
                    lease = l;
                }
                case DhcpClient.Unbind u -> {
                    stack.clearIpv4();
                    stack.dnsServers(List.of());
                    stack.interfaceMtu(0);
                    lease = null;
                }
                case DhcpClient.Log log -> LOG.log(switch (log.level()) {
                    case DEBUG -> Level.DEBUG;
                    case INFO -> Level.INFO;
                    case WARN -> Level.WARNING;
                }, log.message());
            }
        }
        publishCounters();
        long next = step.nextTimer();
        if (next != timerAt) {
            if (timer != null) timer.cancel();
            timer = next == Long.MAX_VALUE ? null : loop.schedule(next, this::onTimer);
            timerAt = next;
        }
    }

    /** Mirrors the client's {@code dhcp.*} counters into the stack's, so {@code Stack.counters()} shows them. */
    private void publishCounters() {
        Counters registry = stack.counterRegistry();
        client.counters().forEach((name, value) -> {
            Counter c = registry.counter(name);
            c.add(value - c.get());
        });
    }

    /** Stops the client (the lease is kept, not released, so a restart can INIT-REBOOT). Any thread. */
    @Override public void close() {
        closed = true;
        try {
            loop.execute(() -> {
                if (timer != null) timer.cancel();
                timer = null;
            });
        } catch (RuntimeException e) {
            // the loop is already closed: nothing left to cancel
        }
    }
}
