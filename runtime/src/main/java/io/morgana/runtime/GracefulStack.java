package io.morgana.runtime;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowInfo;
import io.morgana.api.IpAddress;
import io.morgana.api.Listener;
import io.morgana.api.Stack;
import io.morgana.api.Tcp;
import io.morgana.api.Udp;
import io.morgana.api.UdpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Gives any target's {@link Stack} a graceful stop: the runtime wraps a stack that does not
 * implement {@link StoppableStack} itself, keeping the listeners, flows and UDP sockets the
 * appliance opened. On stop, listeners close; open flows have the grace period to finish, then
 * are aborted together with the UDP sockets. Every call is passed straight through.
 */
final class GracefulStack implements Stack, StoppableStack {

    private final Stack inner;
    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private final Set<Flow> flows = ConcurrentHashMap.newKeySet();
    private final Set<UdpSocket> udpSockets = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();
    private final Tcp tcp;
    private final Udp udp;

    GracefulStack(Stack inner) {
        this.inner = inner;
        Tcp t = inner.tcp();
        tcp = new Tcp() {
            @Override public Listener listen(int port) throws IOException {
                Listener l = new TrackedListener(t.listen(port));
                listeners.add(l);
                return l;
            }

            @Override public Flow connect(Endpoint remote, Duration timeout) throws IOException {
                return track(t.connect(remote, timeout));
            }
        };
        Udp u = inner.udp();
        udp = port -> {
            UdpSocket s = new TrackedUdpSocket(u.bind(port));
            udpSockets.add(s);
            return s;
        };
    }

    /** The target's own stack. */
    Stack inner() { return inner; }

    @Override public Tcp tcp() { return tcp; }

    @Override public Udp udp() { return udp; }

    @Override public List<IpAddress> addresses() { return inner.addresses(); }

    @Override public Map<String, Long> counters() { return inner.counters(); }

    @Override public List<IpAddress> dnsServers() { return inner.dnsServers(); }

    @Override public void stopAccepting() {
        for (Listener l : List.copyOf(listeners)) l.close();
    }

    @Override public boolean awaitFlowsDone(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (idle) {
            long left;
            while (!flows.isEmpty() && (left = deadline - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.timedWait(idle, left);
            return flows.isEmpty();
        }
    }

    @Override public void abortFlows() {
        for (Flow f : List.copyOf(flows)) f.abort();
        for (UdpSocket s : List.copyOf(udpSockets)) s.close();
    }

    private Flow track(Flow f) {
        Flow t = new TrackedFlow(f);
        flows.add(t);
        return t;
    }

    private void forget(Flow f) {
        if (flows.remove(f)) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private final class TrackedListener implements Listener {
        private final Listener l;

        TrackedListener(Listener l) { this.l = l; }

        @Override public Flow accept() throws IOException { return track(l.accept()); }
        @Override public Endpoint localAddress() { return l.localAddress(); }
        @Override public boolean isOpen() { return l.isOpen(); }

        @Override public void close() {
            listeners.remove(this);
            l.close();
        }

        @Override public String toString() { return l.toString(); }
    }

    private final class TrackedFlow implements Flow {
        private final Flow f;

        TrackedFlow(Flow f) { this.f = f; }

        @Override public int read(ByteBuffer dst) throws IOException { return f.read(dst); }
        @Override public void write(ByteBuffer src) throws IOException { f.write(src); }
        @Override public void readTimeout(Duration timeout) { f.readTimeout(timeout); }
        @Override public void shutdownOutput() throws IOException { f.shutdownOutput(); }
        @Override public void shutdownInput() throws IOException { f.shutdownInput(); }
        @Override public Endpoint localAddress() { return f.localAddress(); }
        @Override public Endpoint remoteAddress() { return f.remoteAddress(); }
        @Override public FlowInfo info() { return f.info(); }
        @Override public void keepAlive(Duration idle, Duration interval, int probes) throws IOException { f.keepAlive(idle, interval, probes); }

        @Override public void close() throws IOException {
            try {
                f.close();
            } finally {
                forget(this);
            }
        }

        @Override public void abort() {
            f.abort();
            forget(this);
        }

        @Override public String toString() { return f.toString(); }
    }

    private final class TrackedUdpSocket implements UdpSocket {
        private final UdpSocket s;

        TrackedUdpSocket(UdpSocket s) { this.s = s; }

        @Override public Endpoint receive(ByteBuffer dst) throws IOException { return s.receive(dst); }
        @Override public void send(ByteBuffer src, Endpoint to) throws IOException { s.send(src, to); }
        @Override public void receiveTimeout(Duration timeout) { s.receiveTimeout(timeout); }
        @Override public Endpoint localAddress() { return s.localAddress(); }

        @Override public void close() {
            udpSockets.remove(this);
            s.close();
        }

        @Override public String toString() { return s.toString(); }
    }
}
