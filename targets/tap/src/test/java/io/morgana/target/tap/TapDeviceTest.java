package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.BootException;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Privileged
class TapDeviceTest {

    interface WithTap {
        void run(Netns ns, TapDevice tap) throws Exception;
    }

    /** Runs {@code body} with TAP {@code ifname} (kernel side 10.4.1.1/24) of a fresh namespace opened. */
    static void withTap(String nsName, String ifname, WithTap body) throws Exception { withTap(nsName, ifname, true, body); }

    static void withTap(String nsName, String ifname, boolean offloads, WithTap body) throws Exception {
        try (Netns ns = Netns.create(nsName)) {
            ns.addTap(ifname, "10.4.1.1/24");
            TapDevice tap = TapDevice.open(ifname, ns.name(), offloads);
            try {
                body.run(ns, tap);
            } finally {
                tap.release();
            }
        }
    }

    @ParameterizedTest(name = "offloads {0}")
    @ValueSource(booleans = {true, false})
    void attachesInsideANamespaceAndExchangesFramesWithTheKernel(boolean offloads) throws Exception {
        withTap("t4ns-dev", "t4tap-d0", offloads, (ns, tap) -> {
            assertEquals(offloads, tap.offloads());
            assertEquals(offloads ? VirtioNetHeader.LENGTH : 0, tap.vnetHeaderLength());
            assertFalse(tap.created());
            assertEquals(1500, tap.mtu());
            ns.ip("link", "set", "t4tap-d0", "mtu", "1400");
            assertEquals(1400, tap.mtu(), "MTU is read from the interface each time");
            assertTrue(tap.up());
            ns.ip("link", "set", "t4tap-d0", "down");
            assertFalse(tap.up(), "the host side's state is read from the interface");
            ns.ip("link", "set", "t4tap-d0", "up");
            assertTrue(tap.up());

            assertTrue(arpReplyArrives(tap, Arena.ofAuto().allocate(2048)), "the kernel answers our ARP request through the TAP");
        });
    }

    /**
     * Reads into a Java array's segment, as the link does: through native memory and a copy while
     * the zero-copy read is still being linked at boot, then straight into the array.
     */
    @ParameterizedTest(name = "zero-copy read linked {0}")
    @ValueSource(booleans = {true, false})
    void readsIntoAJavaArrayBeforeAndAfterTheZeroCopyReadIsLinked(boolean linked) throws Exception {
        withTap("t4ns-heap", "t4tap-h0", true, (ns, tap) -> {
            Libc.readLinkPending(!linked);
            try {
                assertEquals(linked, Libc.readIntoHeapReady());
                assertTrue(arpReplyArrives(tap, MemorySegment.ofArray(new byte[2048])), "the kernel's ARP reply, read into the array");
            } finally {
                Libc.readLinkPending(false);
            }
        });
    }

    /** Sends an ARP request for the kernel's address and reads frames into {@code in} until its reply comes (5 s). */
    private static boolean arpReplyArrives(TapDevice tap, MemorySegment in) throws Exception {
        // An ARP request for the kernel's address, from us (02:00:00:00:04:02, 10.4.1.2).
        byte[] arp = HexFormat.of().parseHex("ffffffffffff" + "020000000402" + "0806"
                + "0001080006040001" + "020000000402" + "0a040102" + "000000000000" + "0a040101");
        Arena arena = Arena.ofAuto();
        MemorySegment out = arena.allocate(64);
        MemorySegment.copy(arp, 0, out, ValueLayout.JAVA_BYTE, 0, arp.length);
        MemorySegment header = arena.allocate(VirtioNetHeader.LENGTH);
        VirtioNetHeader.NONE.write(header, 0);
        // Asked again every 250 ms, as a real host retries ARP: right after the device is attached,
        // the kernel activates the interface's queue a little later (link watch), and drops what it
        // sends until then, such as the reply to a request that came too early.
        long deadline = System.nanoTime() + 5_000_000_000L;
        long nextAsk = 0;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextAsk) {
                assertTrue(tap.offloads() ? tap.write(header, out, arp.length) : tap.write(out, arp.length),
                        "the request is written (with offloads: header and frame in one writev)");
                nextAsk = System.nanoTime() + 250_000_000L;
            }
            int n = tap.read(in);
            if (n == 0) {
                Thread.sleep(5);
                continue;
            }
            int h = tap.vnetHeaderLength();
            if (n <= h) continue;
            ByteBuffer f = in.asSlice(h, n - h).asByteBuffer();
            n -= h;
            // ARP reply (op 2) to our MAC, saying who has 10.4.1.1
            if (n >= 42 && f.getShort(12) == 0x0806 && f.getShort(20) == 2 && f.getInt(28) == 0x0a040101) return true;
        }
        return false;
    }

    @Test
    void createsAnAbsentInterfaceThatGoesAwayOnClose() throws Exception {
        try (Netns ns = Netns.create("t4ns-dev2")) {
            TapDevice tap = TapDevice.open("t4tap-d1", ns.name());
            assertTrue(tap.created());
            assertTrue(ns.ip("link", "show", "t4tap-d1").stdout().contains("UP"));
            BootException busy = assertThrows(BootException.class, () -> TapDevice.open("t4tap-d1", ns.name()));
            assertEquals(BootException.OSERR, busy.exitStatus());
            assertTrue(busy.getMessage().contains("busy"), busy.getMessage());
            tap.release();
            assertNotEquals(0, Netns.host("ip", "-n", ns.name(), "link", "show", "t4tap-d1").exit());
        }
    }

    @Test
    void namesTheMistakeForABadNamespaceOrInterface() {
        BootException e = assertThrows(BootException.class, () -> TapDevice.open("t4tap-x", "t4ns-does-not-exist"));
        assertEquals(BootException.USAGE, e.exitStatus());
        assertTrue(e.getMessage().contains("ip netns list"), e.getMessage());
        e = assertThrows(BootException.class, () -> TapDevice.open("this-name-is-far-too-long", null));
        assertEquals(BootException.USAGE, e.exitStatus());
    }

    @Test
    void noticesWhenTheInterfaceIsDeletedUnderIt() throws Exception {
        withTap("t4ns-dev3", "t4tap-d3", (ns, tap) -> {
            MemorySegment buf = Arena.ofAuto().allocate(2048);
            while (tap.awaitReadable(300) == TapDevice.Wait.READABLE) tap.read(buf); // the kernel's own IPv6 chatter
            ns.ip("link", "del", "t4tap-d3");
            assertEquals(TapDevice.Wait.GONE, tap.awaitReadable(2000), "not a busy loop on an error descriptor");
        });
    }
}
