import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Measures a TCP echo server on 127.0.0.1:PORT: bulk throughput (MB echoed per second, one
 * connection, writer and reader concurrently) and small request/response round trips per second.
 * Usage: java EchoClient.java PORT MEGABYTES ROUNDTRIPS
 */
public class EchoClient {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        long total = Long.parseLong(a[1]) << 20;
        int trips = Integer.parseInt(a[2]);
        // Warm-up, then measure.
        bulk(port, Math.min(total, 16 << 20));
        double mbps = bulk(port, total);
        roundTrips(port, Math.min(trips, 2000));
        double rps = roundTrips(port, trips);
        System.out.printf("%.1f %.0f%n", mbps, rps);
    }

    static double bulk(int port, long total) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            long t0 = System.nanoTime();
            Thread w = Thread.ofPlatform().start(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    for (long sent = 0; sent < total; sent += chunk.length) out.write(chunk, 0, (int) Math.min(chunk.length, total - sent));
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            for (int n; (n = in.read(buf)) >= 0; ) got += n;
            w.join();
            if (got != total) throw new IllegalStateException("echoed " + got + " of " + total);
            return total / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
        }
    }

    static double roundTrips(int port, int n) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] msg = new byte[32], back = new byte[32];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                out.write(msg);
                for (int got = 0; got < 32; ) {
                    int r = in.read(back, got, 32 - got);
                    if (r < 0) throw new IllegalStateException("closed");
                    got += r;
                }
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
