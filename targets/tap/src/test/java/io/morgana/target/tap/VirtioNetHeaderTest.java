package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The virtio-net header's layout: byte for byte as {@code struct virtio_net_hdr_v1} on a little-endian host. */
class VirtioNetHeaderTest {

    @Test void aTsoHeaderIsWrittenInTheKernelsLayout() {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        VirtioNetHeader.offloaded(34, 16, 66, 1448).write(s, 2);
        byte[] expected = {0, 0,
                1, 1, // NEEDS_CSUM, GSO_TCPV4
                66, 0, // hdr_len
                (byte) 0xa8, 5, // gso_size 1448 = 0x05a8
                34, 0, 16, 0, // csum_start, csum_offset
                0, 0, // num_buffers
                0, 0};
        assertArrayEquals(expected, s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    @Test void aHeaderReadsBackAndTellsItsFlags() {
        MemorySegment s = MemorySegment.ofArray(new byte[12]);
        VirtioNetHeader h = new VirtioNetHeader(VirtioNetHeader.DATA_VALID, VirtioNetHeader.GSO_NONE, 0, 0, 0, 0);
        h.write(s, 0);
        assertEquals(h, VirtioNetHeader.read(s, 0));
        assertTrue(h.dataValid());
        assertFalse(h.needsChecksum());
        assertEquals(VirtioNetHeader.DATA_VALID, VirtioNetHeader.flags(s, 0));
        VirtioNetHeader big = new VirtioNetHeader(3, VirtioNetHeader.GSO_TCPV4 | VirtioNetHeader.GSO_ECN, 0xffff, 65_000, 0xfffe, 6);
        big.write(s, 0);
        assertEquals(big, VirtioNetHeader.read(s, 0), "unsigned 16-bit fields survive");
        assertEquals(VirtioNetHeader.NONE, VirtioNetHeader.read(MemorySegment.ofArray(new byte[12]), 0));
    }

    @Test void fieldsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new VirtioNetHeader(0, 0, 70_000, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new VirtioNetHeader(256, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> VirtioNetHeader.offloaded(0, 0, 0, -1));
    }

    @Test void withoutGsoSizeTheFrameIsOnlyChecksummed() {
        VirtioNetHeader h = VirtioNetHeader.offloaded(34, 6, 42, 0);
        assertEquals(VirtioNetHeader.GSO_NONE, h.gsoType());
        assertTrue(h.needsChecksum());
    }
}
