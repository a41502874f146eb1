package io.morgana.api;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A block device: a fixed number of sectors of a fixed size, read and written whole. Calls block
 * the calling (virtual) thread until done and are safe from any thread; writes to different
 * sectors from different threads do not interfere.
 */
public interface Block {

    /** Bytes per sector (512 or 4096 usually). */
    int sectorSize();

    /** Number of sectors. */
    long sectors();

    default long capacity() { return sectorSize() * sectors(); }

    boolean readOnly();

    /**
     * Fills {@code dst} (its remaining bytes, a whole number of sectors) from {@code sector} on.
     *
     * @throws IllegalArgumentException if the length is not whole sectors or runs past the end
     */
    void read(long sector, ByteBuffer dst) throws IOException;

    /**
     * Writes the remaining bytes of {@code src} (whole sectors) from {@code sector} on.
     *
     * @throws java.nio.file.AccessDeniedException if the device is read-only
     */
    void write(long sector, ByteBuffer src) throws IOException;

    /** Makes earlier writes durable. */
    void flush() throws IOException;
}
