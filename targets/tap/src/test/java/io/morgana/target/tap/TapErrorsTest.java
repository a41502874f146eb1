package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.BootException;
import io.morgana.testing.Privileged;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TapErrorsTest {

    @Test
    void eachAttachFailureNamesItsCauseAndFix() {
        BootException e = TapDevice.attachError(Libc.EPERM, "tap0", false);
        assertEquals(BootException.NOPERM, e.exitStatus());
        assertTrue(e.getMessage().contains("run as root or grant CAP_NET_ADMIN; needs /dev/net/tun"), e.getMessage());
        assertTrue(e.getMessage().contains("ip tuntap add dev tap0 mode tap"), e.getMessage());
        assertEquals(BootException.NOPERM, TapDevice.attachError(Libc.EACCES, "tap0", true).exitStatus());
        assertTrue(TapDevice.attachError(Libc.EBUSY, "tap0", true).getMessage().contains("busy"));
        assertTrue(TapDevice.attachError(Libc.EINVAL, "tap0", true).getMessage().contains("not a TAP device"));
        assertEquals(BootException.OSERR, TapDevice.attachError(Libc.ENODEV, "tap0", true).exitStatus());
    }

    @Test
    void anInterfaceNameIsCheckedBeforeAnythingIsOpened() throws Exception {
        for (String ok : new String[] {"tap0", "s8-tap_1.x:y", "A", "abcdefghijklmno"}) assertTrue(TapDevice.isInterfaceName(ok), ok);
        for (String bad : new String[] {"", "abcdefghijklmnop", "tap 0", "tap/0", "täp0", "tap0\n"}) {
            assertFalse(TapDevice.isInterfaceName(bad), bad);
            BootException e = assertThrows(BootException.class, () -> TapDevice.open(bad, null, true));
            assertEquals(BootException.USAGE, e.exitStatus());
            assertTrue(e.getMessage().contains("is not an interface name (1..15 characters, e.g. tap0)"), e.getMessage());
        }
        assertFalse(TapDevice.isInterfaceName(null));
    }

    /** The real thing: an unprivileged process gets the NOPERM message, not a stack trace. */
    @Test
    @Privileged(tools = "setpriv")
    void anUnprivilegedUserIsToldToRunAsRootOrGrantCapNetAdmin() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                OpenAsUser.class.getName(), "t4tap-noperm").redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(out.startsWith(BootException.NOPERM + " "), out);
        assertTrue(out.contains("run as root or grant CAP_NET_ADMIN; needs /dev/net/tun"), out);
    }

    @Test
    void loopSpinTakesADurationUpToTenMilliseconds() throws Exception {
        assertEquals(java.time.Duration.ofNanos(50_000), TapTarget.LOOP_SPIN.defaultValue());
        assertEquals(java.time.Duration.ZERO, TapTarget.LOOP_SPIN.parse("0"));
        assertEquals(java.time.Duration.ofNanos(20_000), TapTarget.LOOP_SPIN.parse("20us"));
        assertEquals(java.time.Duration.ofMillis(10), TapTarget.LOOP_SPIN.parse("10ms"));
        BootException e = assertThrows(BootException.class,
                () -> io.morgana.runtime.BootArgs.parse(java.util.List.of(TapTarget.LOOP_SPIN), "--loop-spin=20ms"));
        assertEquals(BootException.USAGE, e.exitStatus());
        assertTrue(e.getMessage().contains("'20ms' is out of range: want 0 to 10ms, e.g. 50us"), e.getMessage());
        e = assertThrows(BootException.class,
                () -> io.morgana.runtime.BootArgs.parse(java.util.List.of(TapTarget.LOOP_SPIN), "--loop-spin=soon"));
        assertTrue(e.getMessage().contains("'soon' is not a duration"), e.getMessage());
    }
}
