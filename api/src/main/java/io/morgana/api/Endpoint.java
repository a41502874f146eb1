package io.morgana.api;

/**
 * A socket address: an IP address and a port. Named {@code Endpoint} so that it does not clash
 * with {@link java.net.SocketAddress} in appliance code.
 */
public record Endpoint(IpAddress address, int port) {

    public Endpoint {
        if (address == null) throw new IllegalArgumentException("address is null");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, not " + port);
    }

    public static Endpoint of(String address, int port) { return new Endpoint(IpAddress.parse(address), port); }

    /** Parses {@code 10.0.0.1:53} or {@code [::1]:53}. */
    public static Endpoint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("want ADDRESS:PORT, e.g. 10.0.0.1:53, not '" + text + "'");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + text + "'");
        }
        return new Endpoint(IpAddress.parse(host), port);
    }

    @Override public String toString() {
        return address instanceof Ipv6Address ? "[" + address + "]:" + port : address + ":" + port;
    }
}
