package io.morgana.example.echo;

import io.morgana.api.Appliance;
import io.morgana.api.Arg;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Listener;
import io.morgana.api.Manifest;
import io.morgana.api.UdpSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * TCP and UDP echo (RFC 862) on one port: every byte a TCP client sends comes back, and the
 * connection ends once the client has finished sending and everything is echoed; every UDP
 * datagram is sent back to its sender.
 */
public final class Echo implements Appliance {

    static final Arg<Integer> PORT = Arg.port("port", 7, "TCP and UDP port to echo on (0: any free port)");

    private static final System.Logger LOG = System.getLogger("echo");

    @Override public Manifest manifest() {
        return Manifest.builder("echo")
                .summary("TCP and UDP echo")
                .needs(Device.stack())
                .arg(PORT)
                .build();
    }

    @Override public void run(Context context) throws Exception {
        int port = context.arg(PORT);
        Listener tcp = context.stack().tcp().serve(port, Echo::echo);
        int tcpPort = tcp.localAddress().port();
        // With --port=0 the UDP port is picked separately; otherwise both are the same.
        UdpSocket udp = context.stack().udp().bind(port);
        context.onStop(() -> {
            tcp.close();
            udp.close();
        });
        LOG.log(Level.INFO, "listening on tcp port " + tcpPort);
        LOG.log(Level.INFO, "listening on udp port " + udp.localAddress().port());
        Thread udpLoop = Thread.ofVirtual().name("echo-udp").start(() -> echo(udp, context::stopping));
        context.awaitStop();
        udpLoop.join();
    }

    /** Echoes one TCP connection until the client shuts down its sending side. */
    static void echo(Flow flow) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        while (flow.read(buf) >= 0) {
            buf.flip();
            flow.write(buf);
            buf.clear();
        }
        LOG.log(Level.DEBUG, () -> "echoed " + flow.remoteAddress() + " to its end");
    }

    private static void echo(UdpSocket udp, java.util.function.BooleanSupplier stopping) {
        ByteBuffer buf = ByteBuffer.allocate(65_507);
        while (!stopping.getAsBoolean()) {
            try {
                buf.clear();
                Endpoint from = udp.receive(buf);
                udp.send(buf.flip(), from);
            } catch (IOException e) {
                if (stopping.getAsBoolean()) return;
                LOG.log(Level.WARNING, "udp echo: " + e);
            }
        }
    }
}
