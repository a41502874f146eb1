package io.morgana.target.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Appliance;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.Manifest;
import io.morgana.runtime.Launcher;
import io.morgana.runtime.Main;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnixTargetTest {

    static final class NeedsStack implements Appliance {
        @Override public Manifest manifest() { return Manifest.builder("net-user").needs(Device.stack()).build(); }
        @Override public void run(Context c) {
            System.getLogger("test").log(System.Logger.Level.INFO, "stack " + (c.stack() instanceof UnixStack) + " on " + c.target());
        }
    }

    @Test void foundByNameThroughServiceLoader() throws Exception {
        UnixTarget t = (UnixTarget) Main.target("unix");
        assertEquals("none: a JDK 25", t.requirements());
        assertTrue(t.implemented());
    }

    @Test void networkArgumentsAreAcceptedWithAWarning() {
        Launcher.Running r = Launcher.start(new NeedsStack(), "unix", "--ipv4=10.0.0.2/24", "--dhcp");
        assertEquals(0, r.awaitExit(Duration.ofSeconds(10)));
        assertTrue(r.log().stream().anyMatch(l -> l.contains("WARN  [unix] --ipv4 is ignored on target unix")), r.log().toString());
        assertTrue(r.log().stream().anyMatch(l -> l.contains("WARN  [unix] --dhcp is ignored")), r.log().toString());
        assertTrue(r.log().stream().anyMatch(l -> l.contains("stack true on unix")), r.log().toString());
    }
}
