package io.morgana.target.unix;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.IpAddress;
import io.morgana.api.Listener;
import io.morgana.api.Stack;
import io.morgana.api.Tcp;
import io.morgana.api.Udp;
import io.morgana.api.UdpSocket;
import io.morgana.runtime.StoppableStack;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Stack} over the host's sockets. Blocking java.net sockets on virtual threads: a blocked
 * read parks its virtual thread, not a platform thread, so thousands of connections are cheap.
 * Keeps the open listeners, flows and UDP sockets so the runtime can stop gracefully.
 */
public final class UnixStack implements Stack, StoppableStack, AutoCloseable {

    static final System.Logger LOG = System.getLogger("unix");

    private final Set<UnixListener> listeners = ConcurrentHashMap.newKeySet();
    final Set<UnixFlow> flows = ConcurrentHashMap.newKeySet();
    final Set<UnixUdpSocket> udpSockets = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();

    private final Tcp tcp = new Tcp() {
        @Override public Listener listen(int port) throws IOException {
            ServerSocket ss = new ServerSocket();
            try {
                ss.setReuseAddress(true);
                ss.bind(new InetSocketAddress(port), 1024);
            } catch (IOException e) {
                ss.close();
                throw bindFailure("tcp", port, e);
            }
            UnixListener l = new UnixListener(UnixStack.this, ss);
            listeners.add(l);
            return l;
        }

        @Override public Flow connect(Endpoint remote, Duration timeout) throws IOException {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                int ms = timeout == null ? 0 : (int) Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
                s.connect(socketAddress(remote), ms);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            return track(s);
        }
    };

    private final Udp udp = port -> {
        UnixUdpSocket s = UnixUdpSocket.bind(this, port);
        udpSockets.add(s);
        return s;
    };

    @Override public Tcp tcp() { return tcp; }

    @Override public Udp udp() { return udp; }

    @Override public List<IpAddress> addresses() {
        List<IpAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp()) continue;
                for (InetAddress a : Collections.list(ni.getInetAddresses())) out.add(IpAddress.of(a.getAddress()));
            }
        } catch (SocketException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list the host's addresses: " + e.getMessage());
        }
        return out;
    }

    @Override public Map<String, Long> counters() { return Map.of(); }

    UnixFlow track(Socket s) throws IOException {
        UnixFlow f = new UnixFlow(this, s);
        flows.add(f);
        return f;
    }

    void forget(UnixFlow f) {
        if (flows.remove(f)) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    void forget(UnixListener l) { listeners.remove(l); }

    @Override public void stopAccepting() {
        for (UnixListener l : List.copyOf(listeners)) l.close();
    }

    @Override public boolean awaitFlowsDone(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (idle) {
            long left;
            while (!flows.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
            return flows.isEmpty();
        }
    }

    @Override public void abortFlows() {
        for (UnixFlow f : List.copyOf(flows)) f.abort();
    }

    /** Closes everything: listeners, flows (reset), UDP sockets. */
    @Override public void close() {
        stopAccepting();
        abortFlows();
        for (UnixUdpSocket s : List.copyOf(udpSockets)) s.close();
    }

    static InetSocketAddress socketAddress(Endpoint e) throws IOException {
        return new InetSocketAddress(InetAddress.getByAddress(e.address().toBytes()), e.port());
    }

    static Endpoint endpoint(java.net.SocketAddress a) {
        InetSocketAddress i = (InetSocketAddress) a;
        return new Endpoint(IpAddress.of(i.getAddress().getAddress()), i.getPort());
    }

    /** A BindException whose message names the port and what to do. */
    static BindException bindFailure(String proto, int port, IOException e) {
        String m = String.valueOf(e.getMessage());
        BindException b;
        if (m.contains("in use")) {
            b = new BindException(proto + " port " + port + " is already in use by another program: stop it, or choose another port");
        } else if (m.contains("ermission") || m.contains("not permitted")) {
            b = new BindException(proto + " port " + port + " needs privilege (ports below 1024 are reserved): run as root, grant "
                    + "CAP_NET_BIND_SERVICE (setcap cap_net_bind_service=+ep on the java binary), or choose a port of 1024 or more");
        } else {
            b = new BindException("cannot bind " + proto + " port " + port + ": " + m);
        }
        b.initCause(e);
        return b;
    }
}
