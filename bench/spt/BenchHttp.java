import io.morgana.target.spt.Seal;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Appliance of bench/spt/run.sh, which isolates spt's packing and seal from Morgana's stack
 * (website.sh measures examples/website on the tap stack): a small keep-alive HTTP/1.1 server on host sockets (what the unix target
 * does), one virtual thread per connection, sealed after it has bound its port unless --no-seal.
 * Usage: BenchHttp --port=N [--no-seal] [--preload] (--preload: what the seal loads, without the filter, as spt's --no-seal)
 */
public final class BenchHttp {
    static final byte[] BODY = ("<!doctype html><title>Morgana</title><h1>It works</h1>"
            + "<p>A sealed appliance answered this request.</p>\n").getBytes(StandardCharsets.US_ASCII);
    static final byte[] RESPONSE;
    static {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + BODY.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        RESPONSE = new byte[head.length + BODY.length];
        System.arraycopy(head, 0, RESPONSE, 0, head.length);
        System.arraycopy(BODY, 0, RESPONSE, head.length, BODY.length);
    }

    public static void main(String[] args) throws Exception {
        int port = 8080;
        boolean seal = true, preload = false;
        for (String a : args) {
            if (a.startsWith("--port=")) port = Integer.parseInt(a.substring(7));
            else if (a.equals("--no-seal")) seal = false;
            else if (a.equals("--preload")) preload = true;
            else if (!a.startsWith("--heap=")) { System.err.println("unknown argument " + a); System.exit(64); }
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 512);
        if (seal) Seal.install();
        else if (preload) Seal.preload();
        System.out.println("listening on 127.0.0.1:" + port + (seal ? " (sealed)" : ""));
        while (true) {
            SocketChannel c = server.accept();
            Thread.ofVirtual().start(() -> serve(c));
        }
    }

    static void serve(SocketChannel c) {
        try (c) {
            ByteBuffer in = ByteBuffer.allocate(8192);
            int matched = 0;
            while (c.read(in) > 0) {
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    matched = switch (matched) {
                        case 0, 2 -> b == '\r' ? matched + 1 : 0;
                        case 1, 3 -> b == '\n' ? matched + 1 : (b == '\r' ? 1 : 0);
                        default -> 0;
                    };
                    if (matched == 4) { // end of a request's header: answer it
                        ByteBuffer out = ByteBuffer.wrap(RESPONSE);
                        while (out.hasRemaining()) c.write(out);
                        matched = 0;
                    }
                }
                in.clear();
            }
        } catch (Exception e) {
            // the client went away
        }
    }
}
