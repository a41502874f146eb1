import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/** A UDP echo on the kernel's sockets: {@code java UdpEchoServer.java ADDRESS PORT}. The Linux side of bench/udp. */
public class UdpEchoServer {
    public static void main(String[] args) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(args[0], Integer.parseInt(args[1])))) {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (true) {
                p.setLength(buf.length);
                s.receive(p);
                s.send(p);
            }
        }
    }
}
