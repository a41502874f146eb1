package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Prefix;
import io.morgana.api.MacAddress;
import io.morgana.net.stack.NetStack;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@Privileged(tools = "ping")
class TapLinkTest {

    @Test
    void theKernelPingsAStackOnTheTapLink() throws Exception {
        try (Netns ns = Netns.create("t4ns-link"); TestLoop loop = new TestLoop()) {
            ns.addTap("t4tap-l0", "10.4.2.1/24");
            TapLink link = new TapLink(TapDevice.open("t4tap-l0", ns.name()), MacAddress.parse("02:00:00:00:04:02"));
            NetStack stack = NetStack.builder(link, loop).ipv4(Ipv4Prefix.parse("10.4.2.2/24")).build().start();
            try {
                Netns.Result r = ns.exec(Duration.ofSeconds(20), "ping", "-c", "5", "-i", "0.05", "-W", "2", "10.4.2.2");
                assertEquals(0, r.exit(), r.output());
                assertTrue(r.stdout().contains(" 0% packet loss"), r.output());
            } finally {
                stack.close();
            }
        }
    }
}
