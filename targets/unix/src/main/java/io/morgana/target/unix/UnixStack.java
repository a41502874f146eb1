package io.morgana.target.unix;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.IpAddress;
import io.morgana.api.Listener;
import io.morgana.api.Stack;
import io.morgana.api.Tcp;
import io.morgana.api.Udp;
import io.morgana.api.UdpSocket;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A {@link Stack} over the host's sockets. Blocking java.net sockets on virtual threads: a blocked
 * read parks its virtual thread, not a platform thread, so thousands of connections are cheap.
 * It keeps no state: the runtime tracks what the appliance opens for a graceful stop.
 */
public final class UnixStack implements Stack {

    static final System.Logger LOG = System.getLogger("unix");

    private final Tcp tcp = new Tcp() {
        @Override public Listener listen(int port) throws IOException {
            ServerSocketChannel ss = ServerSocketChannel.open();
            try {
                ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ss.bind(new InetSocketAddress(port), 1024);
                return new UnixListener(ss);
            } catch (IOException e) {
                ss.close();
                throw bindFailure("tcp", port, e);
            }
        }

        @Override public Flow connect(Endpoint remote, Duration timeout) throws IOException {
            SocketChannel s = SocketChannel.open();
            try {
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                s.socket().connect(socketAddress(remote), timeoutMillis(timeout)); // the path with a timeout
                return new UnixFlow(s);
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }
    };

    /** Batched FFM sockets where they work (see {@link BatchUdpSocket}), else the JDK's. */
    private final Udp udp = port -> BatchUdpSocket.available() ? BatchUdpSocket.bind(port) : UnixUdpSocket.bind(port);

    /** The host's resolvers, read on first use (nothing seals a unix appliance), then kept. */
    private volatile List<IpAddress> dnsServers;

    @Override public List<IpAddress> dnsServers() {
        List<IpAddress> d = dnsServers;
        if (d == null) dnsServers = d = resolvConf(java.nio.file.Path.of("/etc/resolv.conf"));
        return d;
    }

    /** The {@code nameserver} lines of a resolv.conf; empty if it is missing or unreadable. */
    static List<IpAddress> resolvConf(java.nio.file.Path file) {
        List<IpAddress> out = new ArrayList<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(file)) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 2 && w[0].equals("nameserver")) {
                    try {
                        out.add(IpAddress.parse(w[1].replaceFirst("%.*$", "")));
                    } catch (IllegalArgumentException e) {
                        LOG.log(System.Logger.Level.DEBUG, "resolv.conf: ignoring nameserver '" + w[1] + "'");
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "no host resolvers: cannot read " + file + ": " + e.getMessage());
        }
        return List.copyOf(out);
    }

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

    /** A socket timeout in milliseconds: 0 (none) for null, zero or negative; at least 1 otherwise. */
    static int timeoutMillis(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) return 0;
        return Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
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
