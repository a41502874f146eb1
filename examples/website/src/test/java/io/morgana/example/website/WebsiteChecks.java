package io.morgana.example.website;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the website appliance must do, checked with real clients (curl, wget, wrk, raw sockets) on
 * one target: {@link WebsiteUnixTest} on host sockets, {@link WebsiteTapTest} on Morgana's own
 * TCP/IP over a TAP device in a namespace. The site is the embedded default one; the expected
 * bytes are read from its source tree.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebsiteChecks {
    static final Path SITE = Path.of("src/main/resources/morgana/kv/htdocs");

    @TempDir Path tmp;

    /** The appliance's address as the clients reach it. */
    abstract String host();

    abstract int port();

    /** Runs a client tool where it can reach the appliance. */
    abstract Tools.Result tool(int timeoutSeconds, List<String> command) throws Exception;

    /** Runs one of {@link RawChecks} where it can reach the appliance. */
    abstract void raw(String check) throws Exception;

    String base() { return "http://" + host() + ":" + port(); }

    /** Files of the site as a client sees them: precompressed siblings are other representations, not files. */
    static TreeMap<String, byte[]> siteFiles(Path root) throws IOException {
        TreeMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (rel.endsWith(".gz") || rel.endsWith(".br")) continue;
                files.put(rel, Files.readAllBytes(p));
            }
        }
        return files;
    }

    Tools.Result curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        cmd.addAll(Arrays.asList(args));
        return tool(30, cmd);
    }

    @Test
    void curlFetchesEveryFileByteIdenticalOnOneConnection() throws Exception {
        TreeMap<String, byte[]> files = siteFiles(SITE);
        assertTrue(files.size() >= 6, files.keySet().toString());
        List<String> args = new ArrayList<>(List.of("-v"));
        for (String f : files.keySet()) {
            args.add("-o");
            args.add(tmp.resolve(f.replace('/', '_')).toString());
            args.add(base() + "/" + f);
        }
        Tools.Result r = curl(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.stderr());
        for (var e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(tmp.resolve(e.getKey().replace('/', '_'))), e.getKey());
        }
        // curl says so when it sends a later request on the connection it already has (keep-alive).
        Matcher reuse = Pattern.compile("Re-?using existing").matcher(r.stderr());
        int reused = 0;
        while (reuse.find()) reused++;
        assertEquals(files.size() - 1, reused, r.stderr());
        assertEquals(1, count(r.stderr(), "Connected to"), r.stderr());
    }

    @Test
    void rangeGives206AndThoseBytes() throws Exception {
        Tools.Result r = curl("-r", "100-199", "-D", "-", "-o", tmp.resolve("part").toString(), base() + "/files/lines-1mib.txt");
        assertTrue(r.stdout().startsWith("HTTP/1.1 206 Partial Content"), r.stdout());
        assertTrue(r.stdout().contains("Content-Range: bytes 100-199/1048576"), r.stdout());
        byte[] whole = Files.readAllBytes(SITE.resolve("files/lines-1mib.txt"));
        assertArrayEquals(Arrays.copyOfRange(whole, 100, 200), Files.readAllBytes(tmp.resolve("part")));
        Tools.Result multi = curl("-r", "0-9,1000-1009", "-D", "-", "-o", "/dev/null", base() + "/files/lines-1mib.txt");
        assertTrue(multi.stdout().contains("Content-Type: multipart/byteranges; boundary="), multi.stdout());
        Tools.Result bad = curl("-r", "2000000-", "-o", "/dev/null", "-w", "%{http_code}", base() + "/files/lines-1mib.txt");
        assertEquals("416", bad.stdout());
    }

    @Test
    void ifNoneMatchWithTheEtagGives304() throws Exception {
        Tools.Result first = curl("-D", "-", "-o", "/dev/null", base() + "/css/site.css");
        Matcher m = Pattern.compile("(?im)^ETag: (\"[0-9a-f]+\")$").matcher(first.stdout());
        assertTrue(m.find(), first.stdout());
        Tools.Result again = curl("-H", "If-None-Match: " + m.group(1), "-D", tmp.resolve("h").toString(), "-o", "/dev/null",
                "-w", "%{size_download}", base() + "/css/site.css");
        assertTrue(Files.readString(tmp.resolve("h")).startsWith("HTTP/1.1 304 Not Modified"), again.stdout());
        assertEquals("0", again.stdout());
        Matcher lm = Pattern.compile("(?im)^Last-Modified: ([^\r\n]+)$").matcher(first.stdout());
        assertTrue(lm.find(), first.stdout());
        Tools.Result since = curl("-H", "If-Modified-Since: " + lm.group(1), "-o", "/dev/null", "-w", "%{http_code}", base() + "/css/site.css");
        assertEquals("304", since.stdout());
    }

    @Test
    void precompressedSiblingForClientsThatAcceptIt() throws Exception {
        Tools.Result r = curl("--compressed", "-D", "-", "-o", tmp.resolve("css").toString(), base() + "/css/site.css");
        assertTrue(r.stdout().contains("Content-Encoding: gzip") && r.stdout().contains("Vary: Accept-Encoding"), r.stdout());
        assertArrayEquals(Files.readAllBytes(SITE.resolve("css/site.css")), Files.readAllBytes(tmp.resolve("css")));
    }

    @Test
    void headGivesHeadersOnly() throws Exception {
        Tools.Result r = curl("-I", base() + "/files/lines-1mib.txt");
        assertTrue(r.stdout().startsWith("HTTP/1.1 200 OK") && r.stdout().contains("Content-Length: 1048576"), r.stdout());
        raw("head");
    }

    @Test
    void missingFileGivesThe404Page() throws Exception {
        Tools.Result r = curl("-o", tmp.resolve("nf").toString(), "-w", "%{http_code}", base() + "/no/such/page.html");
        assertEquals("404", r.stdout());
        assertArrayEquals(Files.readAllBytes(SITE.resolve("404.html")), Files.readAllBytes(tmp.resolve("nf")));
        assertEquals("301", curl("-o", "/dev/null", "-w", "%{http_code}", base() + "/docs").stdout());
    }

    @Test
    void wgetMirrorEqualsTheSourceTree() throws Exception {
        Tools.Result r = tool(60, List.of("wget", "-q", "--mirror", "-nH", "-P", tmp.resolve("mirror").toString(), base() + "/"));
        assertEquals(0, r.exit(), r.stderr());
        TreeMap<String, byte[]> want = siteFiles(SITE);
        TreeMap<String, byte[]> got = siteFiles(tmp.resolve("mirror"));
        assertEquals(want.keySet(), got.keySet());
        for (String f : want.keySet()) assertArrayEquals(want.get(f), got.get(f), f);
    }

    @Test
    void malformedRequestsAreRejectedAndOthersStillServed() throws Exception {
        raw("malformed");
    }

    @Test
    void thousandIdleConnectionsDoNotStopAClient() throws Exception {
        raw("idle");
    }

    @Test
    void wrkCompletesWithoutSocketErrors() throws Exception {
        String duration = System.getProperty("morgana.wrk.duration", "20s");
        Tools.Result r = tool(120, List.of("wrk", "-t2", "-c64", "-d" + duration, base() + "/index.html"));
        assertEquals(0, r.exit(), r.stderr());
        System.out.println("wrk against " + base() + ":\n" + r.stdout());
        assertFalse(r.stdout().contains("Socket errors"), r.stdout());
        assertFalse(r.stdout().contains("Non-2xx"), r.stdout());
        Matcher m = Pattern.compile("(\\d+) requests in").matcher(r.stdout());
        assertTrue(m.find() && Long.parseLong(m.group(1)) > 1000, r.stdout());
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
