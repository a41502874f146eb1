package io.morgana.dns;

import io.morgana.api.Stack;
import io.morgana.dns.server.AuthServer;
import io.morgana.dns.server.DnsService;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.dns.zone.ZoneParser;
import io.morgana.target.unix.UnixStack;
import java.util.SplittableRandom;

/**
 * A Morgana DNS server on loopback for tests: over the unix target's own stack (host sockets with
 * the batched {@code recvmmsg}/{@code sendmmsg} UDP path), as {@code examples/dns-server} runs on
 * {@code unix}; or, for a tool that can only ask port 53, bound to one loopback address over
 * {@link JdkStack}.
 */
public final class TestServer implements AutoCloseable {
    public final AuthServer server;
    public final DnsService service;
    public final String address;

    /** On the unix target's stack (it binds every address), a free port; ask it on 127.0.0.1. */
    public TestServer(AuthServer server) throws Exception {
        this(server, new UnixStack(), "127.0.0.1", 0);
    }

    /** Bound to {@code address} only (JDK sockets), for tools that need port 53 on an address of their own. */
    public TestServer(AuthServer server, String address, int port) throws Exception {
        this(server, new JdkStack(address), address, port);
    }

    private TestServer(AuthServer server, Stack stack, String address, int port) throws Exception {
        this.server = server;
        this.address = address;
        this.service = DnsService.start(server, stack, JdkStack.CLOCK, port);
    }

    /** Serves the test zone example.org (and the given keys) on 127.0.0.1, a free port. */
    public static TestServer exampleOrg(TsigKey... keys) throws Exception {
        AuthServer s = new AuthServer(new SplittableRandom());
        s.addZone(ZoneParser.zone("example.org.zone", Tools.resource("example.org.zone"), null));
        for (TsigKey k : keys) s.addKey(k);
        return new TestServer(s);
    }

    public int port() { return service.udpPort(); }

    @Override public void close() { service.close(); }
}
