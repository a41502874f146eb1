package io.morgana.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AddressTest {

    @Test void ipv4RoundTripsAndRejectsSloppyText() {
        assertEquals("10.0.0.2", Ipv4Address.parse("10.0.0.2").toString());
        assertEquals(0x0a000002, Ipv4Address.parse("10.0.0.2").bits());
        for (String bad : new String[] {"", "10.0.0", "10.0.0.256", "10.0.0.2.", "010.0.0.2", "a.b.c.d", "10..0.2", "1.2.3.4 "}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(bad), bad);
        }
    }

    @Test void ipv6PrintsRfc5952() {
        assertEquals("2001:db8::80", Ipv6Address.parse("2001:0db8:0:0:0:0:0:0080").toString());
        assertEquals("::1", Ipv6Address.parse("::1").toString());
        assertEquals("::", Ipv6Address.parse("::").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", Ipv6Address.parse("2001:db8:0:1:1:1:1:1").toString(), "one zero group stays");
        assertEquals("2001:0:0:1::1", Ipv6Address.parse("2001:0:0:1:0:0:0:1").toString(), "the longest run is shortened");
        assertEquals("fe80::", Ipv6Address.parse("fe80::").toString());
    }

    @Test void prefixesAndEndpoints() {
        Ipv4Prefix p = Ipv4Prefix.parse("10.0.0.2/24");
        assertEquals("10.0.0.0", p.network().toString());
        assertEquals("10.0.0.255", p.broadcast().toString());
        assertEquals(true, p.contains(Ipv4Address.parse("10.0.0.200")));
        assertEquals(false, p.contains(Ipv4Address.parse("10.0.1.1")));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.0.2/33"));
        assertEquals("[::1]:53", Endpoint.parse("[::1]:53").toString());
        assertEquals(53, Endpoint.parse("10.0.0.1:53").port());
        assertEquals("02:00:00:00:00:01", MacAddress.parse("02:00:00:00:00:01").toString());
    }
}
