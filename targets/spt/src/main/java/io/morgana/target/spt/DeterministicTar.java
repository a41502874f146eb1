package io.morgana.target.spt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A POSIX ustar archive whose bytes depend only on the files' names, contents, kinds and whether
 * they are executable: entries in byte order of their names, one fixed modification time, owner
 * and group 0 with empty names, modes 0755 (directories, executables) or 0644. That is what makes
 * two builds on different machines, paths and days give the same archive.
 */
final class DeterministicTar {
    private DeterministicTar() {}

    private static final int BLOCK = 512;
    private static final int RECORD = 20 * BLOCK;

    /** Writes {@code root}'s tree as {@code top/...} to {@code out} (not closed). */
    static void write(Path root, String top, Predicate<String> include, long mtimeSeconds, OutputStream out) throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.walk(root)) {
            paths = s.filter(p -> !p.equals(root)).toList();
        }
        String[] names = paths.stream().map(p -> root.relativize(p).toString().replace('\\', '/')).toArray(String[]::new);
        Integer[] order = new Integer[names.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(names[a].getBytes(StandardCharsets.UTF_8), names[b].getBytes(StandardCharsets.UTF_8)));
        long written = 0;
        written += entry(out, top + "/", '5', 0755, 0, "", mtimeSeconds);
        for (int i : order) {
            String rel = names[i];
            if (!include.test(rel)) continue;
            Path p = paths.get(i);
            String name = top + "/" + rel;
            if (Files.isSymbolicLink(p)) {
                written += entry(out, name, '2', 0777, 0, Files.readSymbolicLink(p).toString(), mtimeSeconds);
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                written += entry(out, name + "/", '5', 0755, 0, "", mtimeSeconds);
            } else {
                long size = Files.size(p);
                int mode = executable(p) ? 0755 : 0644;
                written += entry(out, name, '0', mode, size, "", mtimeSeconds);
                try (InputStream in = Files.newInputStream(p)) {
                    long copied = in.transferTo(out);
                    if (copied != size) throw new IOException(p + " changed while being archived");
                }
                int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
                out.write(new byte[pad]);
                written += size + pad;
            }
        }
        out.write(new byte[2 * BLOCK]);
        written += 2 * BLOCK;
        out.write(new byte[(int) ((RECORD - written % RECORD) % RECORD)]);
    }

    private static boolean executable(Path p) throws IOException {
        try {
            return Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException e) {
            return Files.isExecutable(p);
        }
    }

    /** One 512-byte ustar header; returns its length. */
    private static int entry(OutputStream out, String name, char type, int mode, long size, String link, long mtime) throws IOException {
        byte[] h = new byte[BLOCK];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length <= 100) {
            System.arraycopy(n, 0, h, 0, n.length);
        } else {
            int cut = name.lastIndexOf('/', Math.min(name.length() - 1, 155));
            byte[] prefix = name.substring(0, Math.max(cut, 0)).getBytes(StandardCharsets.UTF_8);
            byte[] rest = name.substring(cut + 1).getBytes(StandardCharsets.UTF_8);
            if (cut <= 0 || prefix.length > 155 || rest.length > 100) throw new IOException("path too long for a ustar archive: " + name);
            System.arraycopy(rest, 0, h, 0, rest.length);
            System.arraycopy(prefix, 0, h, 345, prefix.length);
        }
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        byte[] l = link.getBytes(StandardCharsets.UTF_8);
        if (l.length > 100) throw new IOException("link target too long for a ustar archive: " + link);
        System.arraycopy(l, 0, h, 157, l.length);
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        octal(h, 148, 7, sum);
        h[155] = ' ';
        out.write(h);
        return BLOCK;
    }

    /** {@code value} as zero-padded octal digits in {@code len - 1} bytes and a NUL. */
    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > len - 1) throw new IllegalArgumentException("value too large for a tar field: " + value);
        s = "0".repeat(len - 1 - s.length()) + s;
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
        h[off + len - 1] = 0;
    }
}
