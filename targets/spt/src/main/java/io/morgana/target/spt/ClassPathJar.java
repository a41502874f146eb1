package io.morgana.target.spt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Joins an appliance's class path into one jar for the image. A JVM opens and indexes every jar of
 * its class path at boot (the JDK's logger-finder and service lookups search them all, and the seal
 * needs them open before it), so one jar instead of eight saves a few milliseconds of every start.
 *
 * <p>Lookups give what the class path gave: for a class or resource in several jars the first on
 * the class path wins, and {@code META-INF/services} files are concatenated in class-path order.
 * {@code module-info.class} and {@code INDEX.LIST} are dropped (unused on a class path), and so
 * are the jars' manifests: one plain manifest is written, so a package's
 * {@code Implementation-Version} and the like read as absent. A jar that joining would change more
 * is kept as it is, beside the joined one, in its class-path place: a signed jar, a multi-release
 * jar, and one whose manifest names more jars ({@code Class-Path}, relative to the jar).
 *
 * <p>Reproducible: entries in class-path order, each with its source's DOS time fields copied as
 * they are (not through a time zone); extra fields such as extended time stamps are not copied.
 */
final class ClassPathJar {
    private ClassPathJar() {}

    private static final String SERVICES = "META-INF/services/";

    /** What {@link #join} made: the image's class path (file names in {@code lib}) and the jars joined. */
    record Joined(List<String> classPath, int joined, List<String> keptApart, int shadowed) {}

    /**
     * Writes {@code lib/NAME} from {@code jars} (NAME = {@code joinedName}), copying the jars that
     * cannot be joined beside it. Each jar is opened once.
     *
     * @param timestamp the build's time, for the entries this writes (the manifest, the services files)
     */
    static Joined join(List<Path> jars, Path lib, String joinedName, Instant timestamp) throws IOException {
        List<String> classPath = new ArrayList<>();
        List<String> apart = new ArrayList<>();
        int joined = 0;
        try (Out out = new Out(lib.resolve(joinedName), LocalDateTime.ofInstant(timestamp, ZoneOffset.UTC))) {
            for (Path j : jars) {
                try (JarFile jar = new JarFile(j.toFile(), false)) {
                    if (keptApart(jar)) {
                        String fn = j.getFileName().toString();
                        if (fn.equals(joinedName) || apart.contains(fn)) {
                            throw new IOException("the jar " + j + " keeps its name " + fn
                                    + " in the image (signed, multi-release or with a Class-Path, it is not joined), which "
                                    + (fn.equals(joinedName) ? "is the joined jar's name" : "another such jar has") + "; rename it");
                        }
                        Files.copy(j, lib.resolve(fn));
                        classPath.add(fn);
                        apart.add(fn);
                    } else {
                        if (joined++ == 0) classPath.add(joinedName);
                        out.add(jar);
                    }
                }
            }
            return new Joined(List.copyOf(classPath), joined, List.copyOf(apart), out.shadowed);
        }
    }

    /** {@link #keptApart(JarFile)} of the jar at {@code jar}. */
    static boolean keptApart(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            return keptApart(j);
        }
    }

    /** Signed (a signature file in META-INF), multi-release, or with a {@code Class-Path}: joining would drop what makes it so. */
    private static boolean keptApart(JarFile j) throws IOException {
        var m = j.getManifest();
        if (m != null && ("true".equalsIgnoreCase(m.getMainAttributes().getValue("Multi-Release"))
                || m.getMainAttributes().getValue("Class-Path") != null)) {
            return true;
        }
        for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
            String n = e.nextElement().getName().toUpperCase(java.util.Locale.ROOT);
            if (n.startsWith("META-INF/") && n.indexOf('/', 9) < 0
                    && (n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC"))) {
                return true;
            }
        }
        return false;
    }

    /** The joined jar being written: made when the first jar is added, finished (services last) on close. */
    private static final class Out implements AutoCloseable {
        private final Path path;
        private final LocalDateTime time;
        private final Set<String> written = new HashSet<>();
        private final Map<String, ByteArrayOutputStream> services = new LinkedHashMap<>();
        private ZipOutputStream z;
        /** Entries a jar earlier on the class path shadowed. */
        int shadowed;

        Out(Path path, LocalDateTime time) {
            this.path = path;
            this.time = time;
        }

        void add(JarFile j) throws IOException {
            if (z == null) {
                z = new ZipOutputStream(Files.newOutputStream(path));
                put("META-INF/", new byte[0]); // first, then the manifest: where JarInputStream looks for it
                put(JarFile.MANIFEST_NAME, "Manifest-Version: 1.0\r\nCreated-By: morgana build -t spt\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            }
            for (Enumeration<JarEntry> en = j.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                String n = e.getName();
                if (dropped(n)) continue;
                if (n.startsWith(SERVICES) && n.length() > SERVICES.length() && !e.isDirectory()) {
                    ByteArrayOutputStream b = services.computeIfAbsent(n, k -> new ByteArrayOutputStream());
                    try (InputStream in = j.getInputStream(e)) {
                        in.transferTo(b);
                    }
                    b.write('\n'); // a file without a final newline must not run into the next jar's first line
                    continue;
                }
                if (!written.add(n)) {
                    if (!e.isDirectory()) shadowed++;
                    continue;
                }
                ZipEntry o = new ZipEntry(n);
                o.setTimeLocal(e.getTimeLocal());
                z.putNextEntry(o);
                try (InputStream in = j.getInputStream(e)) {
                    in.transferTo(z);
                }
                z.closeEntry();
            }
        }

        private void put(String name, byte[] data) throws IOException {
            written.add(name);
            ZipEntry e = new ZipEntry(name);
            e.setTimeLocal(time);
            z.putNextEntry(e);
            z.write(data);
            z.closeEntry();
        }

        @Override public void close() throws IOException {
            if (z == null) return;
            try (ZipOutputStream closing = z) {
                for (var s : services.entrySet()) put(s.getKey(), s.getValue().toByteArray());
            }
        }
    }

    /** Entries a class-path jar has no use for once joined. */
    private static boolean dropped(String n) {
        return n.equals(JarFile.MANIFEST_NAME) || n.equals("META-INF/INDEX.LIST") || n.equals("module-info.class");
    }
}
