package io.morgana.dns;

import io.morgana.dns.server.AuthServer;
import io.morgana.dns.server.DnsService;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.dns.zone.ZoneParser;
import java.nio.file.Files;
import java.nio.file.Path;

/** Manual check and benchmark: java ... DevServer ADDRESS PORT ZONEFILE[,ZONEFILE…] [NAME:ALG:SECRET]. Not a test. */
public final class DevServer {
    public static void main(String[] a) throws Exception {
        AuthServer s = new AuthServer(new java.util.SplittableRandom());
        for (String f : a[2].split(",")) s.addZone(ZoneParser.zone(f, Files.readAllBytes(Path.of(f)), null));
        if (a.length > 3) s.addKey(TsigKey.parse(a[3]));
        DnsService d = DnsService.start(s, new JdkStack(a[0]), JdkStack.CLOCK, Integer.parseInt(a[1]));
        System.out.println("serving on " + d.udpPort());
        Thread.sleep(Long.MAX_VALUE);
    }
}
