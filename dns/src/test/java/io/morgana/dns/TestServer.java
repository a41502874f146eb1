package io.morgana.dns;

import io.morgana.dns.server.AuthServer;
import io.morgana.dns.server.DnsService;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.dns.zone.ZoneParser;
import java.util.SplittableRandom;

/** A Morgana DNS server on loopback for tests, over {@link JdkStack}. */
public final class TestServer implements AutoCloseable {
    public final AuthServer server;
    public final DnsService service;
    public final String address;

    public TestServer(AuthServer server, String address, int port) throws Exception {
        this.server = server;
        this.address = address;
        this.service = DnsService.start(server, new JdkStack(address), JdkStack.CLOCK, port);
    }

    /** Serves the test zone example.org (and the given keys) on 127.0.0.1, a free port. */
    public static TestServer exampleOrg(TsigKey... keys) throws Exception {
        AuthServer s = new AuthServer(new SplittableRandom());
        s.addZone(ZoneParser.zone("example.org.zone", Tools.resource("example.org.zone"), null));
        for (TsigKey k : keys) s.addKey(k);
        return new TestServer(s, "127.0.0.1", 0);
    }

    public int port() { return service.udpPort(); }

    @Override public void close() { service.close(); }
}
