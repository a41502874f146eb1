package io.morgana.target.spt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Packs this module's classes and test classes into a jar, the way an appliance is shipped (fixed entry times). */
final class ProbeJar {
    private ProbeJar() {}

    static Path build(Path jar) throws IOException {
        return of(jar, List.of(Path.of("target/classes"), Path.of("target/test-classes")));
    }

    /** A jar of the given class directories. */
    static Path of(Path jar, List<Path> roots) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // a manifest, as Maven writes one (PackedKv finds packed content through manifests), at a fixed time
            JarEntry m = new JarEntry("META-INF/MANIFEST.MF");
            m.setLastModifiedTime(FileTime.fromMillis(1767225600000L));
            out.putNextEntry(m);
            out.write("Manifest-Version: 1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.closeEntry();
            for (Path root : roots) {
                try (Stream<Path> s = Files.walk(root)) {
                    for (Path p : s.filter(Files::isRegularFile).filter(p -> !root.relativize(p).toString().equals("META-INF/MANIFEST.MF"))
                            .sorted().toList()) {
                        JarEntry e = new JarEntry(root.relativize(p).toString().replace('\\', '/'));
                        e.setLastModifiedTime(FileTime.fromMillis(1767225600000L));
                        out.putNextEntry(e);
                        out.write(Files.readAllBytes(p));
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }
}
