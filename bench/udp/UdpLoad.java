import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * UDP request/response load: keeps WINDOW requests of SIZE bytes (at least 8) in flight to
 * HOST:PORT for SECONDS (after one second of warm-up) and prints the responses per second.
 *
 * <p>After 50 ms without an answer the window is presumed lost and a new one is sent under a new
 * generation number (the first 8 bytes of each request); late answers of an older generation are
 * ignored, so at most WINDOW requests are ever counted as in flight and loss lowers the rate
 * instead of stalling or inflating the run.
 *
 * <p>Run as a single-file program: {@code java UdpLoad.java HOST PORT SECONDS [WINDOW] [SIZE]}.
 */
public class UdpLoad {
    public static void main(String[] args) throws Exception {
        InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long seconds = Long.parseLong(args[2]);
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int size = Math.max(8, args.length > 4 ? Integer.parseInt(args[4]) : 64);
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(to);
            s.setSoTimeout(50);
            byte[] out = new byte[size], in = new byte[65536];
            ByteBuffer outView = ByteBuffer.wrap(out), inView = ByteBuffer.wrap(in);
            DatagramPacket req = new DatagramPacket(out, size), resp = new DatagramPacket(in, in.length);
            long generation = 0;
            outView.putLong(0, generation);
            for (int i = 0; i < window; i++) s.send(req);
            long start = System.nanoTime(), warm = start + 1_000_000_000L, end = warm + seconds * 1_000_000_000L;
            long counted = 0, timeouts = 0, stale = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) break;
                try {
                    resp.setLength(in.length);
                    s.receive(resp);
                    if (resp.getLength() < 8 || inView.getLong(0) != generation) {
                        stale++;
                        continue;
                    }
                    if (now >= warm) counted++;
                    s.send(req);
                } catch (SocketTimeoutException e) {
                    timeouts++;
                    outView.putLong(0, ++generation);
                    for (int i = 0; i < window; i++) s.send(req);
                }
            }
            System.out.printf("pps=%d timeouts=%d stale=%d window=%d size=%d%n", counted / seconds, timeouts, stale, window, size);
        }
    }
}
