import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.MacAddress;
import io.morgana.net.stack.NetStack;
import io.morgana.net.tcp.TcpConfig;
import io.morgana.net.tcp.TcpService;
import io.morgana.runtime.loop.ThreadLoop;
import io.morgana.target.tap.TapDevice;
import io.morgana.target.tap.TapLink;
import io.morgana.target.tap.TapTarget;
import java.nio.ByteBuffer;

/**
 * Morgana side of bench/tcp: {@code TcpBenchServer TAP NETNS ADDRESS/LEN GATEWAY BYTES} on
 * Morgana's stack over the TAP: port 5001 discards what it reads, 5002 sends BYTES then closes,
 * 5003 accepts and closes (connections per second). Prints "ready". The TAP has the kernel's
 * checksum and segmentation offloads unless {@code -Dmorgana.bench.offload=false}; the stack's loop
 * spins as {@code -t tap}'s does by default ({@code --loop-spin}) unless
 * {@code -Dmorgana.bench.spin=NANOS} says otherwise (0: parks at once).
 */
public class TcpBenchServer {
    public static void main(String[] a) throws Exception {
        long bytes = Long.parseLong(a[4]);
        long spin = Long.getLong("morgana.bench.spin", TapTarget.LOOP_SPIN.defaultValue().toNanos());
        ThreadLoop loop = ThreadLoop.start("tcp-bench", spin);
        boolean offload = Boolean.parseBoolean(System.getProperty("morgana.bench.offload", "true"));
        TapLink link = new TapLink(TapDevice.open(a[0], a[1], offload), MacAddress.parse("02:00:00:00:c5:b0"));
        NetStack stack = NetStack.builder(link, loop).ipv4(Ipv4Prefix.parse(a[2])).gateway(Ipv4Address.parse(a[3]))
                .tcp(TcpService.factory(TcpConfig.defaults().withBuffers(4 << 20, 4 << 20))).build().start();
        stack.tcp().serve(5001, f -> {
            ByteBuffer buf = ByteBuffer.allocate(1 << 18);
            while (f.read(buf.clear()) >= 0) { }
        });
        stack.tcp().serve(5002, f -> {
            ByteBuffer buf = ByteBuffer.allocate(1 << 18);
            for (long left = bytes; left > 0; left -= buf.capacity()) f.write(buf.clear().limit((int) Math.min(buf.capacity(), left)));
        });
        stack.tcp().serve(5003, Flow::close);
        System.out.println("ready");
        Thread.currentThread().join();
    }
}
