package io.morgana.kv;

import io.morgana.api.KvException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * A read-only store over a tar archive ({@code .tar}, or {@code .tar.gz}/{@code .tgz}), read once
 * at boot. A plain {@code .tar} is memory-mapped and each value is a slice of the mapping, so
 * serving a file copies nothing onto the heap; a compressed archive is inflated once into one
 * off-heap buffer. Regular files become values (last-modified from the entry, SHA-256 digest
 * computed on first use and kept); directories are implied by the paths below them.
 *
 * <p>Hostile archives are survived, not obeyed: entries whose names would escape the store
 * ({@code ..}, NUL), symbolic links, device files and sparse files are skipped and logged under
 * {@code kv}; a hard link serves the bytes of the earlier entry it names; an inflated archive
 * larger than {@link #MAX_ARCHIVE} is refused.
 */
public final class TarKv extends TreeKv {
    private static final System.Logger LOG = System.getLogger("kv");

    /** The largest archive (after inflating) a store holds: one buffer's worth. */
    public static final long MAX_ARCHIVE = Integer.MAX_VALUE - 8;

    private final String source;
    private final int skipped;

    private TarKv(String source, NavigableMap<String, Value> values, int skipped) {
        super(Collections.unmodifiableNavigableMap(values));
        this.source = source;
        this.skipped = skipped;
    }

    @Override protected void beginRead() { }

    @Override protected void endRead() { }

    /**
     * Reads the archive at {@code archive}: gzip-compressed if it starts with the gzip magic bytes
     * (whatever its name), plain tar otherwise.
     *
     * @throws IOException naming the file if it cannot be read or is not a tar archive
     */
    public static TarKv open(Path archive) throws IOException {
        if (!Files.isRegularFile(archive)) throw new KvException("'" + archive + "' is not a file");
        byte[] magic = new byte[2];
        try (InputStream in = Files.newInputStream(archive)) {
            if (in.readNBytes(magic, 0, 2) == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                return inflate(archive.toString(), Files.newInputStream(archive));
            }
        }
        long size = Files.size(archive);
        if (size > MAX_ARCHIVE) throw new KvException("'" + archive + "' is larger than " + MAX_ARCHIVE + " bytes: unpack it and serve the directory");
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ)) {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        return read(archive.toString(), mapped);
    }

    /** A store over tar bytes already in memory (gzip-compressed or not), e.g. a boot file argument. */
    public static TarKv of(byte[] archive, String source) throws IOException {
        if (archive.length >= 2 && (archive[0] & 0xff) == 0x1f && (archive[1] & 0xff) == 0x8b) {
            return inflate(source, new java.io.ByteArrayInputStream(archive));
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(archive.length).put(archive).flip();
        return read(source, direct);
    }

    private static TarKv inflate(String source, InputStream compressed) throws IOException {
        byte[] tarBytes;
        try (InputStream in = new GZIPInputStream(compressed, 65536)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                if (out.size() > MAX_ARCHIVE) throw new KvException("'" + source + "' inflates to more than " + MAX_ARCHIVE + " bytes");
            }
            tarBytes = out.toByteArray();
        } catch (java.util.zip.ZipException e) {
            throw new KvException("'" + source + "' is not a valid gzip file: " + e.getMessage(), e);
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(tarBytes.length).put(tarBytes).flip();
        return read(source, direct);
    }

    /** Indexes the tar bytes {@code archive}. */
    private static TarKv read(String source, ByteBuffer archive) throws KvException {
        List<TarReader.Entry> entries;
        try {
            entries = TarReader.entries(archive);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new KvException("'" + source + "' is not a readable tar archive: " + e.getMessage(), e);
        }
        if (entries.isEmpty() && archive.limit() > 0 && !allZero(archive)) {
            throw new KvException("'" + source + "' is not a tar archive (no entries could be read)");
        }
        TreeMap<String, Value> values = new TreeMap<>();
        int skipped = 0;
        for (TarReader.Entry e : entries) {
            String name = e.name();
            if (e.type() == TarReader.Type.DIRECTORY) continue;
            String path = normalize(name);
            if (path == null) {
                skipped++;
                LOG.log(System.Logger.Level.WARNING, source + ": skipping entry '" + name + "': its name would leave the store");
                continue;
            }
            Value v;
            switch (e.type()) {
                case HARD_LINK -> {
                    String target = normalize(e.linkName());
                    v = target == null ? null : values.get(target);
                    if (v == null) {
                        skipped++;
                        LOG.log(System.Logger.Level.WARNING, source + ": skipping hard link '" + name + "' to an entry not seen before it");
                        continue;
                    }
                }
                case FILE -> {
                    if (e.dataOffset() + e.size() > archive.limit()) {
                        throw new KvException("'" + source + "' is truncated: entry '" + name + "' runs past its end");
                    }
                    v = new Value(archive.slice((int) e.dataOffset(), (int) e.size()), e.modified());
                }
                default -> {
                    skipped++;
                    LOG.log(System.Logger.Level.WARNING, source + ": skipping entry '" + name + "': not a regular file"
                            + (e.type() == TarReader.Type.SYMLINK ? " (symbolic link to '" + e.linkName() + "')" : ""));
                    continue;
                }
            }
            values.put(path, v);
        }
        return new TarKv(source, values, skipped);
    }

    private static boolean allZero(ByteBuffer b) {
        for (int i = 0; i < Math.min(b.limit(), 1024); i++) if (b.get(i) != 0) return false;
        return true;
    }

    /** {@code ./a//b} → {@code a/b}; null for a name with {@code ..}, NUL or a backslash, or empty. */
    static String normalize(String name) {
        if (name == null) return null;
        List<String> segments = new ArrayList<>();
        for (String s : name.split("/")) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..") || s.indexOf('\0') >= 0 || s.indexOf('\\') >= 0) return null;
            segments.add(s);
        }
        return segments.isEmpty() ? null : String.join("/", segments);
    }

    /** Where the archive came from, for messages. */
    public String source() { return source; }

    /** Entries left out because they were links, devices or named outside the store. */
    public int skipped() { return skipped; }

    @Override public String toString() {
        return "tar store " + source + " (" + count() + " values" + (skipped > 0 ? ", " + skipped + " entries skipped" : "") + ")";
    }

}
