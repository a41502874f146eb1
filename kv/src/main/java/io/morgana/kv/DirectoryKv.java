package io.morgana.kv;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRw;
import io.morgana.api.NoSuchKeyException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store over a host directory: key {@code a/b} is the file {@code DIR/a/b}. A key can never reach
 * outside the directory: keys hold no {@code ..}, and a symbolic link whose target lies outside is
 * treated as absent (and never written through). Writes go to a temporary file in the same
 * directory, then are renamed over the target, so readers see the old or the new value. Values of
 * {@value #MAP_THRESHOLD} bytes or more are memory-mapped rather than copied. Digests are computed
 * once per (file, size, mtime) and remembered (up to {@value #DIGEST_CACHE} of them, least recently
 * used evicted).
 *
 * <p>Reads of a value are served from a cache of what the last checked read found (its real path,
 * size, time, file identity and bytes), confirmed by one {@code lstat} of that path: if any of these
 * changed, or the file is gone, the key is resolved and checked again from scratch. Up to
 * {@value #VALUE_CACHE} values are kept, small ones' bytes up to {@value #VALUE_CACHE_BYTES} bytes
 * in all (large ones are mappings), least recently used evicted.
 */
public final class DirectoryKv implements KvRw {

    static final int MAP_THRESHOLD = 1 << 20;
    static final int DIGEST_CACHE = 4096;
    static final int VALUE_CACHE = 4096;
    static final long VALUE_CACHE_BYTES = 32L << 20;
    private static final String TEMP_PREFIX = ".morgana-tmp-";

    private final Path root;
    private final boolean writable;
    private final Map<Path, CachedDigest> digests = new LinkedHashMap<>(64, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Path, CachedDigest> e) { return size() > DIGEST_CACHE; }
    };

    private record CachedDigest(long size, long modified, byte[] digest) {}

    /** A value as a checked read found it; {@code bytes} read-only (heap for small values, a mapping for large). */
    private record CachedValue(Path real, long size, long modifiedNanos, Object fileKey, ByteBuffer bytes) {
        long heapBytes() { return bytes.isDirect() ? 0 : size; }
    }

    private long cachedHeapBytes;
    private final LinkedHashMap<Key, CachedValue> values = new LinkedHashMap<>(64, 0.75f, true);

    private DirectoryKv(Path root, boolean writable) {
        this.root = root;
        this.writable = writable;
    }

    /**
     * Opens {@code dir} (which must exist and be a directory).
     *
     * @param writable false for a read-only store: {@code set}, {@code remove} and {@code rename} fail
     * @throws KvException naming the directory if it is missing or not a directory
     */
    public static DirectoryKv open(Path dir, boolean writable) throws KvException {
        try {
            Path real = dir.toRealPath();
            if (!Files.isDirectory(real)) throw new KvException("'" + dir + "' is not a directory");
            if (!Files.isReadable(real)) throw new KvException("'" + dir + "' is not readable (permission denied)");
            if (writable && !Files.isWritable(real)) throw new KvException("'" + dir + "' is not writable (permission denied)");
            return new DirectoryKv(real, writable);
        } catch (NoSuchFileException e) {
            throw new KvException("no such directory '" + dir + "'");
        } catch (IOException e) {
            throw new KvException("cannot open directory '" + dir + "': " + e.getMessage(), e);
        }
    }

    public Path root() { return root; }

    /** The host path of {@code key}, checked to stay inside the root (null if a link leads out). */
    private Path resolve(Key key) throws KvException {
        Path p = root;
        for (String s : key.segments()) p = p.resolve(s);
        // Walk up to the deepest existing ancestor and check where it really is.
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null) return null;
        try {
            Path real = existing.toRealPath();
            if (!real.startsWith(root)) return null;
        } catch (NoSuchFileException e) {
            return null; // a dangling link
        } catch (IOException e) {
            throw new KvException("cannot resolve '" + key + "': " + e.getMessage(), e);
        }
        return p;
    }

    private Path existing(Key key) throws KvException {
        Path p = resolve(key);
        if (p == null || !Files.exists(p)) throw new NoSuchKeyException(key);
        return p;
    }

    /**
     * The real path (links resolved, inside the root) of the regular file {@code key} names. Reads
     * open this path without following a link in its last component, so a link swapped in after
     * the check cannot lead a read outside.
     */
    private Path value(Key key) throws KvException {
        Path p = existing(key);
        if (!Files.isRegularFile(p)) throw new NoSuchKeyException(key);
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(root)) throw new NoSuchKeyException(key);
            return real;
        } catch (IOException e) {
            throw failure(key, e);
        }
    }

    private static FileChannel openForReading(Path real) throws IOException {
        return FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    @Override public Optional<Kind> kind(Key key) throws KvException {
        Path p = resolve(key);
        if (p == null) return Optional.empty();
        if (Files.isDirectory(p)) return Optional.of(Kind.DICTIONARY);
        if (Files.isRegularFile(p) && !isTemp(p)) return Optional.of(Kind.VALUE);
        return Optional.empty();
    }

    @Override public ByteBuffer get(Key key) throws KvException { return cached(key).bytes.duplicate(); }

    /** The value of {@code key}: the cached read if one lstat shows the file unchanged, else a checked read. */
    private CachedValue cached(Key key) throws KvException {
        CachedValue c;
        synchronized (values) {
            c = values.get(key);
        }
        if (c != null) {
            try {
                BasicFileAttributes a = Files.readAttributes(c.real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && a.size() == c.size && nanos(a) == c.modifiedNanos && java.util.Objects.equals(a.fileKey(), c.fileKey)) {
                    return c;
                }
            } catch (IOException e) {
                // gone or unreadable: the checked read below says which
            }
            forget(key);
        }
        Path p = value(key);
        try (FileChannel ch = openForReading(p)) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            long size = ch.size();
            if (size > Integer.MAX_VALUE) throw new KvException("'" + key + "' is larger than 2 GiB: read it in ranges");
            ByteBuffer bytes;
            if (size >= MAP_THRESHOLD) {
                bytes = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            } else {
                ByteBuffer b = ByteBuffer.allocate((int) size);
                while (b.hasRemaining() && ch.read(b) >= 0) { }
                bytes = b.flip().asReadOnlyBuffer();
            }
            c = new CachedValue(p, bytes.remaining(), nanos(a), a.fileKey(), bytes);
            // Keep it only if the file did not change while we read it.
            if (a.size() == c.size && a.fileKey() != null) remember(key, c);
            return c;
        } catch (IOException e) {
            throw failure(key, e);
        }
    }

    private static long nanos(BasicFileAttributes a) { return a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS); }

    private void remember(Key key, CachedValue c) {
        if (c.heapBytes() > VALUE_CACHE_BYTES / 16) return; // a few big files must not flush the rest
        synchronized (values) {
            CachedValue old = values.put(key, c);
            if (old != null) cachedHeapBytes -= old.heapBytes();
            cachedHeapBytes += c.heapBytes();
            var it = values.values().iterator();
            while ((values.size() > VALUE_CACHE || cachedHeapBytes > VALUE_CACHE_BYTES) && it.hasNext()) {
                cachedHeapBytes -= it.next().heapBytes();
                it.remove();
            }
        }
    }

    private void forget(Key key) {
        synchronized (values) {
            CachedValue old = values.remove(key);
            if (old != null) cachedHeapBytes -= old.heapBytes();
        }
    }

    @Override public ByteBuffer get(Key key, long offset, int length) throws KvException {
        Path p = value(key);
        try (FileChannel ch = openForReading(p)) {
            long size = ch.size();
            if (offset < 0 || length < 0 || offset > size) {
                throw new KvException("offset " + offset + " is past the end of '" + key + "' (" + size + " bytes)");
            }
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(length, size - offset));
            long pos = offset;
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0) break;
                pos += n;
            }
            return b.flip().asReadOnlyBuffer();
        } catch (IOException e) {
            throw failure(key, e);
        }
    }

    @Override public List<Entry> list(Key dictionary) throws KvException {
        Path p = existing(dictionary);
        if (!Files.isDirectory(p)) throw new NoSuchKeyException(dictionary);
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
            for (Path c : ds) {
                String name = c.getFileName().toString();
                if (isTemp(c)) continue;
                Key k;
                try {
                    k = dictionary.child(name);
                } catch (IllegalArgumentException e) {
                    continue; // not expressible as a key
                }
                kind(k).ifPresent(kind -> out.add(new Entry(name, kind)));
            }
        } catch (IOException e) {
            throw failure(dictionary, e);
        }
        out.sort(Comparator.comparing(Entry::name));
        return out;
    }

    @Override public long size(Key key) throws KvException { return cached(key).size; }

    @Override public Instant lastModified(Key key) throws KvException {
        long n = cached(key).modifiedNanos;
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    @Override public byte[] digest(Key key) throws KvException {
        Path p = value(key);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            long mtime = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            synchronized (digests) {
                CachedDigest c = digests.get(p);
                if (c != null && c.size == a.size() && c.modified == mtime) return c.digest.clone();
            }
            byte[] d = TreeKv.sha256(get(key));
            synchronized (digests) {
                digests.put(p, new CachedDigest(a.size(), mtime, d));
            }
            return d.clone();
        } catch (IOException e) {
            throw failure(key, e);
        }
    }

    @Override public void set(Key key, ByteBuffer value) throws KvException {
        checkWritable(key);
        if (key.isRoot()) throw new KvException("cannot set the root key: it is a dictionary");
        Path p = resolve(key);
        if (p == null) throw new KvException("'" + key + "' leads outside the store's directory (a symbolic link)");
        if (Files.isDirectory(p)) throw new KvException("'" + key + "' is a dictionary, not a value");
        Path tmp = null;
        try {
            Files.createDirectories(p.getParent());
            tmp = Files.createTempFile(p.getParent(), TEMP_PREFIX, "");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = value.duplicate();
                while (b.hasRemaining()) ch.write(b);
                ch.force(false);
            }
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (FileAlreadyExistsException e) {
            throw new KvException("cannot set '" + key + "': '" + e.getFile() + "' is a value, not a dictionary", e);
        } catch (IOException e) {
            throw failure(key, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp name is hidden from list()
                }
            }
        }
    }

    @Override public void remove(Key key) throws KvException {
        checkWritable(key);
        if (key.isRoot()) throw new KvException("cannot remove the root of a directory store");
        Path p = resolve(key);
        if (p == null || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            deleteTree(p);
        } catch (IOException e) {
            throw failure(key, e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) deleteTree(c);
            }
        }
        Files.deleteIfExists(p);
    }

    @Override public void rename(Key from, Key to) throws KvException {
        checkWritable(from);
        Path f = existing(from);
        if (from.isRoot() || to.isRoot()) throw new KvException("cannot rename the root");
        if (to.segments().size() > from.segments().size() && to.segments().subList(0, from.segments().size()).equals(from.segments())) {
            throw new KvException("cannot move '" + from + "' below itself to '" + to + "'");
        }
        Path t = resolve(to);
        if (t == null) throw new KvException("'" + to + "' leads outside the store's directory (a symbolic link)");
        if (f.equals(t)) return;
        if (Files.isDirectory(t)) throw new KvException("'" + to + "' is a dictionary: remove it first");
        try {
            Files.createDirectories(t.getParent());
            Files.move(f, t, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure(from, e);
        }
    }

    private void checkWritable(Key key) throws KvException {
        if (!writable) throw new KvException("cannot change '" + key + "': the store over '" + root + "' is read-only");
    }

    private static boolean isTemp(Path p) { return p.getFileName().toString().startsWith(TEMP_PREFIX); }

    private static KvException failure(Key key, IOException e) {
        if (e instanceof KvException k) return k;
        if (e instanceof NoSuchFileException) return new NoSuchKeyException(key);
        if (e instanceof AccessDeniedException) return new KvException("'" + key + "': permission denied on the host", e);
        return new KvException("'" + key + "': " + e, e);
    }
}
