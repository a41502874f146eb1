package io.morgana.dns;

import io.morgana.api.Endpoint;
import io.morgana.dns.server.AuthServer;
import io.morgana.dns.wire.Edns;
import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Type;
import io.morgana.dns.zone.ZoneParser;

/** Manual: the server core's cost per query without I/O, per kind of query. Not a test. */
public final class CoreSpeed {
    public static void main(String[] a) throws Exception {
        AuthServer s = new AuthServer(new java.util.SplittableRandom());
        s.addZone(ZoneParser.zone("z", Tools.resource("example.org.zone"), null));
        Message withEdns = Message.query(1, Name.of("mail.example.org"), Type.A);
        withEdns.edns = new Edns(1232, 0, 0, 0, new byte[0]);
        Message nxEdns = Message.query(1, Name.of("nx7.example.org"), Type.A);
        nxEdns.edns = new Edns(1232, 0, 0, 0, new byte[0]);
        String[] kinds = {"positive", "positive, EDNS", "NXDOMAIN", "NXDOMAIN, EDNS"};
        byte[][] qs = {Message.query(1, Name.of("www.example.org"), Type.A).encode(), withEdns.encode(),
                Message.query(1, Name.of("nx.example.org"), Type.A).encode(), nxEdns.encode()};
        Endpoint from = Endpoint.of("127.0.0.1", 5000);
        for (int round = 0; round < 5; round++) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < qs.length; k++) {
                byte[] q = qs[k];
                long t = System.nanoTime();
                int n = 500_000;
                for (int i = 0; i < n; i++) s.handle(q, q.length, AuthServer.Transport.UDP, from, 0);
                line.append(String.format("%s %.0f ns   ", kinds[k], (System.nanoTime() - t) / (double) n));
            }
            System.out.println(line);
        }
    }
}
