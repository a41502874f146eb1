package io.morgana.example.dnsserver;

import io.morgana.api.Appliance;
import io.morgana.api.Arg;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.Endpoint;
import io.morgana.api.FileContents;
import io.morgana.api.IpAddress;
import io.morgana.api.Manifest;
import io.morgana.dns.server.AuthServer;
import io.morgana.dns.server.DnsService;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.dns.wire.Name;
import io.morgana.dns.zone.Zone;
import io.morgana.dns.zone.ZoneException;
import io.morgana.dns.zone.ZoneParser;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * An authoritative DNS server: primary for the zones given as files, secondary for zones it
 * transfers from a primary, over UDP and TCP. Dynamic UPDATE, zone transfers out and NOTIFY in are
 * authorised by the TSIG keys given with {@code --tsig}; the first key also signs NOTIFY out and
 * the transfers this server asks for.
 */
public final class DnsServer implements Appliance {

    /** {@code ZONE@ADDR[:PORT]}: serve ZONE as a secondary of the primary at ADDR (port 53 by default). */
    public record Secondary(Name zone, Endpoint primary) {
        static Secondary parse(String s) {
            int at = s.indexOf('@');
            if (at <= 0 || at == s.length() - 1) {
                throw new IllegalArgumentException("want ZONE@PRIMARY, e.g. example.org@192.0.2.1 or example.org@192.0.2.1:5353, not '" + s + "'");
            }
            return new Secondary(Name.of(s.substring(0, at)), endpoint(s.substring(at + 1), 53));
        }
    }

    /** {@code ADDR} (port 53) or {@code ADDR:PORT}. */
    static Endpoint endpoint(String s, int defaultPort) {
        boolean bareV6 = s.indexOf(':') != s.lastIndexOf(':') && !s.startsWith("[");
        if (s.indexOf(':') < 0 || bareV6) return new Endpoint(IpAddress.parse(s), defaultPort);
        return Endpoint.parse(s);
    }

    public static final Arg<List<FileContents>> ZONE = Arg.file("zone",
            "a zone file (RFC 1035 master format) to serve as primary; the origin comes from $ORIGIN or the SOA").repeatable();
    public static final Arg<List<Secondary>> SECONDARY = Arg.of("secondary", "ZONE@PRIMARY", Secondary::parse, null,
            "serve ZONE as a secondary, transferring it from PRIMARY (ADDR or ADDR:PORT)").repeatable();
    public static final Arg<List<TsigKey>> TSIG = Arg.of("tsig", "NAME:ALG:SECRET", TsigKey::parse, null,
            "a TSIG key (ALG hmac-sha256 etc, SECRET base64) allowed to UPDATE and to transfer zones; the first signs what we send").repeatable();
    public static final Arg<List<Endpoint>> NOTIFY = Arg.of("notify", "ADDR[:PORT]", s -> endpoint(s, 53), null,
            "a secondary to send NOTIFY to when a zone changes").repeatable();
    public static final Arg<Integer> PORT = Arg.port("port", 53, "UDP and TCP port to answer on");

    @Override public Manifest manifest() {
        return Manifest.builder("dns-server")
                .summary("an authoritative DNS server: primary and secondary, AXFR/IXFR, NOTIFY, TSIG, dynamic UPDATE")
                .needs(Device.stack())
                .arg(ZONE, SECONDARY, TSIG, NOTIFY, PORT)
                .build();
    }

    /** Builds the server from the arguments; throws IllegalArgumentException naming a bad zone file. */
    static AuthServer configure(Context ctx) {
        RandomGenerator ids = () -> ctx.random().nextLong();
        AuthServer server = new AuthServer(ids);
        List<TsigKey> keys = ctx.arg(TSIG);
        keys.forEach(server::addKey);
        for (FileContents f : ctx.arg(ZONE)) {
            if (!f.loaded()) throw new IllegalArgumentException("zone file " + f.path() + " was not read at boot");
            try {
                Zone z = ZoneParser.zone(f.path(), f.bytes(), null);
                server.addZone(z);
                System.getLogger("dns").log(System.Logger.Level.INFO, "serving " + z.origin() + " serial " + z.serial()
                        + " (" + z.size() + " records) from " + f.path());
            } catch (ZoneException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        for (Secondary s : ctx.arg(SECONDARY)) server.addSecondary(s.zone(), s.primary(), keys.isEmpty() ? null : keys.get(0));
        ctx.arg(NOTIFY).forEach(server::addNotifyTarget);
        if (ctx.arg(ZONE).isEmpty() && ctx.arg(SECONDARY).isEmpty()) {
            throw new IllegalArgumentException("nothing to serve: give --zone=FILE or --secondary=ZONE@PRIMARY");
        }
        return server;
    }

    @Override public void run(Context ctx) throws Exception {
        AuthServer server = configure(ctx);
        try (DnsService service = DnsService.start(server, ctx.stack(), ctx.clock(), ctx.arg(PORT))) {
            System.getLogger("dns").log(System.Logger.Level.INFO, "answering on UDP and TCP port " + service.udpPort());
            ctx.awaitStop();
        }
    }
}
