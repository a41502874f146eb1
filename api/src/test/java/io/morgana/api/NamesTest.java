package io.morgana.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Appliances, devices and boot arguments share one naming rule. */
class NamesTest {

    @Test void namesAreLowerCaseWordsJoinedByDashes() {
        for (String ok : new String[] {"a", "port", "tap-offload", "ipv4", "x9-y-"}) {
            assertEquals(ok, Arg.flag(ok, "doc").name());
        }
        for (String bad : new String[] {"", "Port", "9lives", "-x", "tap_offload", "ip v4", "héllo", "a.b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Arg.flag(bad, "doc"), bad);
            assertEquals("argument names are lower-case words joined by '-', not '" + bad + "'", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new Device(Device.Kind.KV_RO, bad, "doc", java.util.Map.of()), bad);
            assertEquals("device names are lower-case words joined by '-', not '" + bad + "'", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new Manifest(bad, "summary", java.util.List.of(), java.util.List.of()), bad);
            assertEquals("appliance names are lower-case words joined by '-', not '" + bad + "'", e.getMessage());
        }
        assertEquals("tap-0", new Device(Device.Kind.KV_RO, "tap-0", "doc", java.util.Map.of()).name());
        assertEquals("my-site2", new Manifest("my-site2", "summary", java.util.List.of(), java.util.List.of()).name());
    }
}
