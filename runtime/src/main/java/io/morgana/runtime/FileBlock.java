package io.morgana.runtime;

import io.morgana.api.Block;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link Block} device over a host file, 512-byte sectors; the file's size must be whole sectors.
 * Opened read-write when the file is writable, else read-only. Positional reads and writes, so
 * calls from different threads do not interfere.
 */
public final class FileBlock implements Block, AutoCloseable {

    public static final int SECTOR = 512;

    private final FileChannel channel;
    private final long sectors;
    private final boolean readOnly;
    private final Path path;

    private FileBlock(Path path, FileChannel channel, long sectors, boolean readOnly) {
        this.path = path;
        this.channel = channel;
        this.sectors = sectors;
        this.readOnly = readOnly;
    }

    /** Opens {@code file}; an IOException names the file and the cause. */
    public static FileBlock open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("'" + file + "' is not a regular file (create one, e.g. truncate -s 64M " + file + ")");
        }
        boolean ro = !Files.isWritable(file);
        FileChannel ch = ro ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size();
        if (size % SECTOR != 0) {
            ch.close();
            throw new IOException("'" + file + "' is " + size + " bytes, not a whole number of " + SECTOR + "-byte sectors");
        }
        return new FileBlock(file, ch, size / SECTOR, ro);
    }

    @Override public int sectorSize() { return SECTOR; }

    @Override public long sectors() { return sectors; }

    @Override public long capacity() { return sectors * SECTOR; }

    @Override public boolean readOnly() { return readOnly; }

    private long check(long sector, ByteBuffer b) {
        int n = b.remaining();
        if (n % SECTOR != 0) throw new IllegalArgumentException(n + " bytes is not a whole number of " + SECTOR + "-byte sectors");
        if (sector < 0 || sector + n / SECTOR > sectors) {
            throw new IllegalArgumentException("sectors " + sector + ".." + (sector + n / SECTOR) + " run past the end (" + sectors + ")");
        }
        return sector * SECTOR;
    }

    @Override public void read(long sector, ByteBuffer dst) throws IOException {
        long pos = check(sector, dst);
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) throw new IOException("'" + path + "' shrank while in use");
            pos += n;
        }
    }

    @Override public void write(long sector, ByteBuffer src) throws IOException {
        if (readOnly) throw new AccessDeniedException(path.toString(), null, "the block device is read-only");
        long pos = check(sector, src);
        while (src.hasRemaining()) pos += channel.write(src, pos);
    }

    @Override public void flush() throws IOException { channel.force(false); }

    @Override public void close() throws IOException { channel.close(); }

    @Override public String toString() { return "block over " + path; }
}
