package io.morgana.dns.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.IpAddress;
import io.morgana.api.Ipv4Address;
import io.morgana.dns.JdkStack;
import io.morgana.target.unix.UnixStack;
import io.morgana.dns.TestServer;
import io.morgana.dns.Tools;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stub resolver over a Stack, asking a Morgana server on loopback. */
class StubResolverTest {
    static final io.morgana.api.Random RANDOM = b -> new java.security.SecureRandom().nextBytes(b);

    static StubResolver resolver(List<Endpoint> servers, Duration timeout) {
        return new StubResolver(new UnixStack(), servers, JdkStack.CLOCK, RANDOM, timeout, 2);
    }

    @Test void resolvesFollowsCnamesFallsBackToTcpAndCaches() throws Exception {
        StubResolver r;
        try (TestServer s = TestServer.exampleOrg()) {
            r = resolver(List.of(Endpoint.of("127.0.0.1", s.port())), Duration.ofSeconds(2));
            assertEquals(List.of(Ipv4Address.parse("192.0.2.80")), r.resolveIpv4("www.example.org"));
            assertEquals(List.of(IpAddress.parse("2001:db8::80")), List.copyOf(r.resolveIpv6("chain.example.org")), "CNAME chain");
            assertEquals(List.of(IpAddress.parse("192.0.2.80"), IpAddress.parse("2001:db8::80")), r.resolve("alias.example.org"));
            List<Ipv4Address> many = r.resolveIpv4("many.example.org");
            assertEquals(100, many.size(), "truncated over UDP, whole over TCP");
            UnknownHostException nx = assertThrows(UnknownHostException.class, () -> r.resolveIpv4("nope.example.org"));
            assertTrue(nx.getMessage().contains("nope.example.org"), nx.getMessage());
            assertThrows(UnknownHostException.class, () -> r.resolveIpv6("mail.example.org"), "NODATA");
            assertEquals(List.of(IpAddress.parse("192.0.2.1")), r.resolve("192.0.2.1"), "literals are not asked");
        }
        // The server is gone: cached answers (TTL 300) still come, others time out.
        assertEquals(List.of(Ipv4Address.parse("192.0.2.80")), r.resolveIpv4("www.example.org"));
        assertThrows(UnknownHostException.class, () -> r.resolveIpv4("nope.example.org"), "negative answers are cached too");
    }

    @Test void silentServersTimeOutAndRefusalsSayWho() throws Exception {
        int port = Tools.freePort("127.0.0.1");
        StubResolver silent = resolver(List.of(Endpoint.of("127.0.0.1", port)), Duration.ofMillis(200));
        long t = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> silent.resolveIpv4("www.example.org"));
        assertTrue(System.nanoTime() - t < 5_000_000_000L);
        try (TestServer s = TestServer.exampleOrg()) {
            StubResolver r = resolver(List.of(Endpoint.of("127.0.0.1", s.port())), Duration.ofSeconds(2));
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> r.resolveIpv4("www.example.com"));
            assertTrue(e.getMessage().contains("RCODE 5 REFUSED") && e.getMessage().contains("127.0.0.1:" + s.port()), e.getMessage());
        }
    }
}
