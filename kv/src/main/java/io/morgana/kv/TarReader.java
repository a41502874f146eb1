package io.morgana.kv;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the index of a tar archive held in memory (or mapped): POSIX ustar, pax extended headers
 * ({@code path}, {@code linkpath}, {@code size}, {@code mtime}) and GNU long names. It never copies
 * file contents: each entry says where its bytes are in the archive.
 *
 * <p>Written for the kv stores rather than taken from a library: the one that does this job well
 * (commons-compress) brings three more jars and, through commons-lang3, the {@code java.desktop}
 * module into every appliance image that reads a tar (10 MB of the spt archive).
 *
 * <p>Hostile archives: every header's checksum is verified, sizes and offsets are checked against
 * the archive's length, pax and long-name records are bounded, and a malformed archive is reported
 * as an {@link IllegalArgumentException} naming the offset, never read past its end.
 */
final class TarReader {

    static final int BLOCK = 512;
    /** Bound on a pax record set or a GNU long name (real ones are a few hundred bytes). */
    static final int MAX_META = 1 << 20;

    /** What an entry is. */
    enum Type { FILE, HARD_LINK, SYMLINK, DIRECTORY, OTHER }

    /** One entry: its name, type, link target, where its data is and when it was modified. */
    record Entry(String name, Type type, String linkName, long dataOffset, long size, Instant modified) {}

    private TarReader() {}

    /** The entries of {@code archive} (positions are absolute in it), in archive order. */
    static List<Entry> entries(ByteBuffer archive) {
        List<Entry> out = new ArrayList<>();
        long limit = archive.limit();
        long pos = 0;
        String longName = null, longLink = null;
        Pax pax = null;
        while (pos + BLOCK <= limit) {
            if (zeroBlock(archive, pos)) break; // end of archive (two zero blocks; one is enough for us)
            if (!checksumOk(archive, pos)) throw new IllegalArgumentException("bad header checksum at offset " + pos);
            byte flag = archive.get((int) pos + 156);
            long size = number(archive, pos + 124, 12, pos);
            long data = pos + BLOCK;
            if (size < 0 || data + size > limit) {
                throw new IllegalArgumentException("entry at offset " + pos + " claims " + size + " bytes, past the archive's end");
            }
            long next = data + (size + BLOCK - 1) / BLOCK * BLOCK;
            switch (flag) {
                case 'L', 'K' -> { // GNU long name / long link name for the next entry
                    String s = cString(archive, data, (int) Math.min(size, MAX_META), pos);
                    if (flag == 'L') longName = s; else longLink = s;
                }
                case 'x' -> pax = Pax.parse(archive, data, size, pos);
                case 'g' -> { } // global pax header: nothing we use
                default -> {
                    String name = longName != null ? longName : ustarName(archive, pos);
                    String link = longLink != null ? longLink : cString(archive, pos + 157, 100, pos);
                    long mtime = number(archive, pos + 136, 12, pos);
                    Instant modified = Instant.ofEpochSecond(mtime);
                    if (pax != null) {
                        if (pax.path != null) name = pax.path;
                        if (pax.linkpath != null) link = pax.linkpath;
                        if (pax.mtime != null) modified = pax.mtime;
                        if (pax.size >= 0) {
                            size = pax.size;
                            if (data + size > limit) {
                                throw new IllegalArgumentException("entry at offset " + pos + " claims " + size + " bytes, past the archive's end");
                            }
                            next = data + (size + BLOCK - 1) / BLOCK * BLOCK;
                        }
                    }
                    Type type = switch (flag) {
                        case '0', '\0', '7' -> name.endsWith("/") ? Type.DIRECTORY : Type.FILE;
                        case '1' -> Type.HARD_LINK;
                        case '2' -> Type.SYMLINK;
                        case '5' -> Type.DIRECTORY;
                        default -> Type.OTHER; // devices, FIFOs, sparse files, unknown kinds
                    };
                    out.add(new Entry(name, type, link, data, size, modified));
                    longName = longLink = null;
                    pax = null;
                }
            }
            pos = next;
        }
        return out;
    }

    private static boolean zeroBlock(ByteBuffer b, long pos) {
        for (int i = 0; i < BLOCK; i++) if (b.get((int) pos + i) != 0) return false;
        return true;
    }

    /** The header checksum: the sum of its bytes with the checksum field taken as spaces. */
    private static boolean checksumOk(ByteBuffer b, long pos) {
        long stored;
        try {
            stored = number(b, pos + 148, 8, pos);
        } catch (IllegalArgumentException e) {
            return false;
        }
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte x = (i >= 148 && i < 156) ? (byte) ' ' : b.get((int) pos + i);
            unsigned += x & 0xff;
            signed += x; // some old tars summed signed bytes
        }
        return stored == unsigned || stored == signed;
    }

    /** An octal field (NUL- or space-terminated), or GNU base-256 when its top bit is set. */
    static long number(ByteBuffer b, long at, int len, long header) {
        int p = (int) at;
        if ((b.get(p) & 0x80) != 0) {
            if ((b.get(p) & 0x40) != 0) throw new IllegalArgumentException("negative number in header at offset " + header);
            long v = b.get(p) & 0x3f;
            for (int i = 1; i < len; i++) {
                if (v > (Long.MAX_VALUE >>> 8)) throw new IllegalArgumentException("number too large in header at offset " + header);
                v = v << 8 | (b.get(p + i) & 0xff);
            }
            return v;
        }
        int i = 0;
        while (i < len && b.get(p + i) == ' ') i++; // leading spaces
        if (i < len && b.get(p + i) == 0) return 0; // an empty field
        long v = 0;
        for (; i < len; i++) {
            byte c = b.get(p + i);
            if (c == 0 || c == ' ') break;
            if (c < '0' || c > '7') throw new IllegalArgumentException("bad octal number in header at offset " + header);
            if (v > (Long.MAX_VALUE >>> 3)) throw new IllegalArgumentException("number too large in header at offset " + header);
            v = v << 3 | (c - '0');
        }
        return v;
    }

    /** ustar: {@code prefix + "/" + name} when the magic says ustar and a prefix is there. */
    private static String ustarName(ByteBuffer b, long pos) {
        String name = cString(b, pos, 100, pos);
        boolean ustar = b.get((int) pos + 257) == 'u' && b.get((int) pos + 258) == 's' && b.get((int) pos + 259) == 't'
                && b.get((int) pos + 260) == 'a' && b.get((int) pos + 261) == 'r';
        if (!ustar) return name;
        String prefix = cString(b, pos + 345, 155, pos);
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(ByteBuffer b, long at, int max, long header) {
        int p = (int) at, n = 0;
        while (n < max && b.get(p + n) != 0) n++;
        byte[] bytes = new byte[n];
        b.get(p, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The pax records we use; size -1 when not given. */
    private static final class Pax {
        String path, linkpath;
        Instant mtime;
        long size = -1;

        /** Records are {@code "LEN key=value\n"}, LEN counting the whole record. */
        static Pax parse(ByteBuffer b, long data, long size, long header) {
            if (size > MAX_META) throw new IllegalArgumentException("pax header at offset " + header + " is too large (" + size + " bytes)");
            byte[] bytes = new byte[(int) size];
            b.get((int) data, bytes);
            Pax pax = new Pax();
            int i = 0;
            while (i < bytes.length && bytes[i] != 0) {
                int sp = i, len = 0;
                while (sp < bytes.length && bytes[sp] >= '0' && bytes[sp] <= '9' && len < MAX_META) len = len * 10 + (bytes[sp++] - '0');
                if (sp >= bytes.length || bytes[sp] != ' ' || len <= sp - i + 1 || i + len > bytes.length || bytes[i + len - 1] != '\n') {
                    throw new IllegalArgumentException("malformed pax record in header at offset " + header);
                }
                String rec = new String(bytes, sp + 1, i + len - 1 - (sp + 1), StandardCharsets.UTF_8);
                int eq = rec.indexOf('=');
                if (eq < 0) throw new IllegalArgumentException("malformed pax record in header at offset " + header);
                String key = rec.substring(0, eq), value = rec.substring(eq + 1);
                try {
                    switch (key) {
                        case "path" -> pax.path = value;
                        case "linkpath" -> pax.linkpath = value;
                        case "size" -> pax.size = Long.parseLong(value);
                        case "mtime" -> {
                            java.math.BigDecimal t = new java.math.BigDecimal(value);
                            pax.mtime = Instant.ofEpochSecond(t.longValue(), t.remainder(java.math.BigDecimal.ONE).movePointRight(9).intValue());
                        }
                        default -> { }
                    }
                } catch (NumberFormatException | ArithmeticException e) {
                    throw new IllegalArgumentException("bad pax " + key + " in header at offset " + header);
                }
                if (pax.size < -1) throw new IllegalArgumentException("negative pax size in header at offset " + header);
                i += len;
            }
            return pax;
        }
    }
}
