package io.morgana.kv;

import io.morgana.api.Key;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Enumeration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.stream.Stream;

/**
 * A read-only store of files packed into the appliance at build time (MirageOS calls this
 * "crunch"): the class-path resources under {@code morgana/kv/NAME/}, which an appliance project
 * keeps in {@code src/main/resources/morgana/kv/NAME/}. From a jar, boot lists the values, and
 * each is read into memory the first time it is asked for, then kept: a large file nobody asks for
 * costs neither boot time nor memory. The jar stays open for that, a descriptor held from boot, so
 * a sealed appliance still reads it. From a classes directory (development), everything is read at
 * boot. Reads of a value already in memory take no lock. Last-modified times are the build's (jar
 * entry or file times; see {@link #modified}).
 */
public final class PackedKv extends TreeKv implements AutoCloseable {

    /** Where packed stores live on the class path. */
    public static final String PREFIX = "morgana/kv/";

    /** The jars values are still read from. */
    private final List<JarFile> jars;

    private PackedKv(TreeMap<String, Value> map, List<JarFile> jars) {
        super(Collections.unmodifiableNavigableMap(map));
        this.jars = List.copyOf(jars);
    }

    /**
     * Closes the jars the store reads from (the session that opened it ends). Values already read
     * are still served; one not read yet is then a {@link io.morgana.api.KvException}.
     */
    @Override public void close() { closeAll(jars); }

    private static void closeAll(List<JarFile> jars) {
        for (JarFile j : jars) {
            try {
                j.close();
            } catch (IOException ignored) {
                // a read-only jar: nothing is lost
            }
        }
    }

    @Override protected void beginRead() { }

    @Override protected void endRead() { }

    /**
     * Loads store {@code name} from {@code loader}'s class path; empty if nothing is packed under
     * that name.
     *
     * @throws UncheckedIOException if a resource cannot be read
     */
    public static java.util.Optional<PackedKv> load(ClassLoader loader, String name) {
        return load(loader, name, Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * {@link #load(ClassLoader, String)}, refusing to read into memory a value of more than
     * {@code largestRead} bytes: a quarter of the heap by default. Such a value would exhaust the
     * heap of a small appliance, which then exits; refused, it is a {@link io.morgana.api.KvException}
     * that names it, and the appliance serves the rest.
     */
    static java.util.Optional<PackedKv> load(ClassLoader loader, String name, long largestRead) {
        String dir = PREFIX + name + "/";
        TreeMap<String, Value> map = new TreeMap<>();
        Set<String> seenJars = new HashSet<>();
        List<JarFile> jars = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.getResources(PREFIX + name))) scan(url, dir, map, seenJars, jars, largestRead);
            // Jars built without directory entries do not answer for a directory: then look in every
            // jar. Only then — reopening every jar of the class path costs a sealed appliance's boot
            // 10-15 ms, and Maven's jars (ours) have the entries.
            if (map.isEmpty()) {
                for (URL url : Collections.list(loader.getResources("META-INF/MANIFEST.MF"))) {
                    if (url.getProtocol().equals("jar")) scan(url, dir, map, seenJars, jars, largestRead);
                }
            }
        } catch (IOException e) {
            closeAll(jars);
            throw new UncheckedIOException("cannot read the packed store '" + name + "': " + e.getMessage(), e);
        }
        return map.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(new PackedKv(map, jars));
    }

    private static void scan(URL url, String dir, TreeMap<String, Value> map, Set<String> seenJars, List<JarFile> jars,
            long largestRead) throws IOException {
        switch (url.getProtocol()) {
            case "file" -> {
                Path root;
                try {
                    root = Path.of(url.toURI());
                } catch (URISyntaxException e) {
                    throw new IOException("bad resource URL " + url, e);
                }
                if (!Files.isDirectory(root)) return;
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        String rel = root.relativize(f).toString().replace('\\', '/');
                        if (!isKey(rel)) continue;
                        map.put(rel, new Value(ByteBuffer.wrap(Files.readAllBytes(f)), Files.getLastModifiedTime(f).toInstant()));
                    }
                }
            }
            case "jar" -> {
                JarURLConnection c = (JarURLConnection) url.openConnection();
                c.setUseCaches(false);
                URL jarUrl = c.getJarFileURL();
                if (!seenJars.add(jarUrl.toString())) return;
                Path jarPath;
                try {
                    jarPath = Path.of(jarUrl.toURI());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    throw new IOException("cannot open jar " + jarUrl, e);
                }
                // Open for the appliance's life when it holds a value of the store: values are read
                // from it when first asked for (a held descriptor, so a sealed appliance still can).
                JarFile jar = new JarFile(jarPath.toFile());
                boolean holds = false;
                try {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        if (e.isDirectory() || !e.getName().startsWith(dir)) continue;
                        String rel = e.getName().substring(dir.length());
                        if (!isKey(rel)) continue;
                        long size = e.getSize();
                        if (size < 0 || size > MAX_VALUE) {
                            throw new IOException("packed value " + e.getName() + " in " + jarPath + " is "
                                    + (size < 0 ? "of unknown size" : size + " bytes, more than " + MAX_VALUE));
                        }
                        map.put(rel, new Value((int) size, modified(e), new EntrySource(jar, e.getName(), (int) size, largestRead)));
                        holds = true;
                    }
                } finally {
                    if (holds) jars.add(jar);
                    else jar.close();
                }
            }
            default -> { }
        }
    }

    /**
     * When a jar entry was last modified. Its DOS date and time carry no zone. Maven's
     * reproducible jars hold {@code project.build.outputTimestamp}'s UTC fields there, so they are
     * read as UTC. Then the time is the build's whatever the host's zone, and boot loads no
     * time-zone database: {@link ZipEntry#getTime} would, ~10 ms of a sealed appliance's start.
     * An entry with an extended or NTFS time stamp (extra fields 0x5455, 0x000a) has an exact
     * instant, which is taken as it is.
     */
    static Instant modified(ZipEntry e) {
        if (hasExactTime(e.getExtra())) return e.getLastModifiedTime().toInstant();
        try {
            return e.getTimeLocal().toInstant(ZoneOffset.UTC);
        } catch (DateTimeException noTime) {
            return Instant.EPOCH;
        }
    }

    private static boolean hasExactTime(byte[] extra) {
        if (extra == null) return false;
        for (int i = 0; i + 4 <= extra.length; ) {
            int id = (extra[i] & 0xff) | (extra[i + 1] & 0xff) << 8;
            int size = (extra[i + 2] & 0xff) | (extra[i + 3] & 0xff) << 8;
            if (id == 0x5455 || id == 0x000a) return true;
            i += 4 + size;
        }
        return false;
    }

    /** The largest value a jar may pack: a Java array's. */
    static final long MAX_VALUE = Integer.MAX_VALUE - 8;

    /** Reads one entry of an open jar, checking that it has the size its directory listed. */
    private record EntrySource(JarFile jar, String name, int size, long largestRead) implements Value.Source {
        @Override public ByteBuffer read() throws IOException {
            if (size > largestRead) {
                throw new IOException(size + " bytes is more than this appliance reads into memory at once (" + largestRead
                        + " bytes, a quarter of its heap); give it a larger heap");
            }
            ZipEntry e = jar.getEntry(name);
            if (e == null) throw new IOException("the jar no longer has " + name);
            try (InputStream in = jar.getInputStream(e)) {
                byte[] b = new byte[size];
                int n = in.readNBytes(b, 0, size);
                if (n != size || in.read() != -1) throw new IOException(name + " is not the " + size + " bytes its jar listed");
                return ByteBuffer.wrap(b);
            }
        }
    }

    private static boolean isKey(String rel) {
        try {
            Key k = Key.parse(rel);
            return !k.isRoot() && k.toString().equals(rel);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
