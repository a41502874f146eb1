package io.morgana.dns;

import io.morgana.api.Endpoint;
import io.morgana.dns.server.AuthServer;
import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Type;
import io.morgana.dns.zone.ZoneParser;

/** Manual: the server core's cost per query without I/O. Not a test. */
public final class CoreSpeed {
    public static void main(String[] a) throws Exception {
        AuthServer s = new AuthServer(new java.util.SplittableRandom());
        s.addZone(ZoneParser.zone("z", Tools.resource("example.org.zone"), null));
        byte[][] qs = new byte[3][];
        qs[0] = Message.query(1, Name.of("www.example.org"), Type.A).encode();
        qs[1] = Message.query(1, Name.of("nx.example.org"), Type.A).encode();
        Message e = Message.query(1, Name.of("mail.example.org"), Type.A);
        e.edns = new io.morgana.dns.wire.Edns(1232, 0, 0, 0, new byte[0]);
        qs[2] = e.encode();
        Endpoint from = Endpoint.of("127.0.0.1", 5000);
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            int n = 2_000_000;
            for (int i = 0; i < n; i++) {
                byte[] q = qs[i % 3];
                s.handle(q, q.length, AuthServer.Transport.UDP, from, 0);
            }
            System.out.printf("%.0f ns/query%n", (System.nanoTime() - t) / (double) n);
        }
    }
}
