package io.morgana.dns.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.dns.Tools;
import io.morgana.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * zonemaster-cli, undelegated ({@code --ns}), against two Morgana servers for zm.test, with a
 * stand-in root as its hints. It all runs in a network namespace of its own holding only loopback
 * ({@code unshare --net}), so zonemaster's look-ups (ASN, PTR, the root) cannot leave it. The one
 * finding lowered by profile is NAMESERVER_IP_PRIVATE_NETWORK: the servers sit on 127/8 because
 * that is all this namespace has, which says nothing about the server.
 */
class ZonemasterTest {

    @Test @Privileged(tools = {"zonemaster-cli", "unshare", "dig"})
    void reportsNoErrorsOrWarningsBeyondTheTestBedsOwn() throws Exception {
        Path dir = Files.createTempDirectory("d7zm");
        try {
            for (String f : List.of("root.zone", "zm.test.zone", "hints", "run.sh")) {
                Files.write(dir.resolve(f), Tools.resource("zonemaster/" + f));
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            Tools.Result r = Tools.run(240, "unshare", "--net", "--", "sh", dir.resolve("run.sh").toString(), java,
                    System.getProperty("java.class.path"), dir.toString());
            assertEquals(0, r.exit(), r.out());
            assertTrue(r.out().contains("NOT_SIGNED"), "zonemaster ran its tests:\n" + r.out());
            for (String line : r.out().lines().toList()) {
                boolean bad = line.matches("\\s*[0-9.]+\\s+(CRITICAL|ERROR)\\s.*");
                boolean reverse = line.contains("NAMESERVER_IP_WITHOUT_REVERSE");
                assertTrue(!bad, "zonemaster error:\n" + r.out());
                assertTrue(!line.matches("\\s*[0-9.]+\\s+WARNING\\s.*") || reverse, "zonemaster warning:\n" + r.out());
            }
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
