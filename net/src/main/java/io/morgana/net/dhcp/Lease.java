package io.morgana.net.dhcp;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import java.time.Duration;
import java.util.List;

/**
 * What a DHCP server granted: the address with its prefix and the options the stack applies.
 *
 * @param address  our address and the subnet's prefix length (from the subnet mask option, else classful)
 * @param router   the default gateway, or null when the server gave none
 * @param dns      DNS servers in the server's order (may be empty)
 * @param mtu      interface MTU from option 26, or 0 when not given
 * @param hostname host name the server assigned (option 12), or null
 * @param server   the server identifier (option 54) that renewals are unicast to
 * @param duration lease time; {@link #INFINITE} for a lease that never expires
 * @param renewAfter  T1
 * @param rebindAfter T2
 */
public record Lease(Ipv4Prefix address, Ipv4Address router, List<Ipv4Address> dns, int mtu, String hostname,
        Ipv4Address server, Duration duration, Duration renewAfter, Duration rebindAfter) {

    public static final Duration INFINITE = Duration.ofSeconds(0xffff_ffffL);

    public Lease {
        dns = List.copyOf(dns);
    }

    public boolean infinite() { return duration.equals(INFINITE); }

    @Override public String toString() {
        return address + (router != null ? " via " + router : "") + (dns.isEmpty() ? "" : " dns " + dns)
                + (mtu > 0 ? " mtu " + mtu : "") + " from " + server
                + (infinite() ? " (infinite lease)" : " for " + duration.toSeconds() + " s (renew after "
                        + renewAfter.toSeconds() + " s, rebind after " + rebindAfter.toSeconds() + " s)");
    }
}
