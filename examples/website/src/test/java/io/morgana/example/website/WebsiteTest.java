package io.morgana.example.website;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.Launcher;
import io.morgana.testing.Privileged;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The website appliance on the {@code unix} target, checked with real clients: curl, wget, wrk.
 * The site is the embedded default one; the expected bytes are read from its source tree.
 */
@Privileged(tools = {"curl", "wget", "wrk", "tar"})
class WebsiteTest {
    static final Path SITE = Path.of("src/main/resources/morgana/kv/htdocs");
    static Launcher.Running website;
    static int port;
    static String base;

    @TempDir Path tmp;

    @BeforeAll
    static void boot() {
        website = Launcher.start(new Website(), "unix", "--port=0", "--logs=*:info,http.access:warn");
        port = website.awaitLogInt("listening on tcp port ", Duration.ofSeconds(20));
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        if (website != null) website.close();
    }

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
        return Tools.run(tmp, cmd, 30);
    }

    @Test
    void curlFetchesEveryFileByteIdenticalOnOneConnection() throws Exception {
        TreeMap<String, byte[]> files = siteFiles(SITE);
        assertTrue(files.size() >= 6, files.keySet().toString());
        List<String> args = new ArrayList<>(List.of("-v"));
        for (String f : files.keySet()) {
            args.add("-o");
            args.add(tmp.resolve(f.replace('/', '_')).toString());
            args.add(base + "/" + f);
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
        Tools.Result r = curl("-r", "100-199", "-D", "-", "-o", tmp.resolve("part").toString(), base + "/files/lines-1mib.txt");
        assertTrue(r.stdout().startsWith("HTTP/1.1 206 Partial Content"), r.stdout());
        assertTrue(r.stdout().contains("Content-Range: bytes 100-199/1048576"), r.stdout());
        byte[] whole = Files.readAllBytes(SITE.resolve("files/lines-1mib.txt"));
        assertArrayEquals(Arrays.copyOfRange(whole, 100, 200), Files.readAllBytes(tmp.resolve("part")));
        Tools.Result multi = curl("-r", "0-9,1000-1009", "-D", "-", "-o", "/dev/null", base + "/files/lines-1mib.txt");
        assertTrue(multi.stdout().contains("Content-Type: multipart/byteranges; boundary="), multi.stdout());
        Tools.Result bad = curl("-r", "2000000-", "-o", "/dev/null", "-w", "%{http_code}", base + "/files/lines-1mib.txt");
        assertEquals("416", bad.stdout());
    }

    @Test
    void ifNoneMatchWithTheEtagGives304() throws Exception {
        Tools.Result first = curl("-D", "-", "-o", "/dev/null", base + "/css/site.css");
        Matcher m = Pattern.compile("(?im)^ETag: (\"[0-9a-f]+\")$").matcher(first.stdout());
        assertTrue(m.find(), first.stdout());
        Tools.Result again = curl("-H", "If-None-Match: " + m.group(1), "-D", tmp.resolve("h").toString(), "-o", "/dev/null",
                "-w", "%{size_download}", base + "/css/site.css");
        assertTrue(Files.readString(tmp.resolve("h")).startsWith("HTTP/1.1 304 Not Modified"), again.stdout());
        assertEquals("0", again.stdout());
        Matcher lm = Pattern.compile("(?im)^Last-Modified: ([^\r\n]+)$").matcher(first.stdout());
        assertTrue(lm.find(), first.stdout());
        Tools.Result since = curl("-H", "If-Modified-Since: " + lm.group(1), "-o", "/dev/null", "-w", "%{http_code}", base + "/css/site.css");
        assertEquals("304", since.stdout());
    }

    @Test
    void precompressedSiblingForClientsThatAcceptIt() throws Exception {
        Tools.Result r = curl("--compressed", "-D", "-", "-o", tmp.resolve("css").toString(), base + "/css/site.css");
        assertTrue(r.stdout().contains("Content-Encoding: gzip") && r.stdout().contains("Vary: Accept-Encoding"), r.stdout());
        assertArrayEquals(Files.readAllBytes(SITE.resolve("css/site.css")), Files.readAllBytes(tmp.resolve("css")));
    }

    @Test
    void headGivesHeadersOnly() throws Exception {
        Tools.Result r = curl("-I", base + "/files/lines-1mib.txt");
        assertTrue(r.stdout().startsWith("HTTP/1.1 200 OK") && r.stdout().contains("Content-Length: 1048576"), r.stdout());
        // On one connection: HEAD's answer must end at its empty line, with the GET's answer right after.
        String wire = exchange("HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\nGET /robots.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        int split = wire.indexOf("\r\n\r\n") + 4;
        assertTrue(wire.startsWith("HTTP/1.1 200 OK") && wire.startsWith("HTTP/1.1 200 OK", split), wire);
        assertTrue(wire.endsWith(Files.readString(SITE.resolve("robots.txt"))), wire);
    }

    @Test
    void missingFileGivesThe404Page() throws Exception {
        Tools.Result r = curl("-o", tmp.resolve("nf").toString(), "-w", "%{http_code}", base + "/no/such/page.html");
        assertEquals("404", r.stdout());
        assertArrayEquals(Files.readAllBytes(SITE.resolve("404.html")), Files.readAllBytes(tmp.resolve("nf")));
        assertEquals("301", curl("-o", "/dev/null", "-w", "%{http_code}", base + "/docs").stdout());
    }

    @Test
    void wgetMirrorEqualsTheSourceTree() throws Exception {
        Tools.Result r = Tools.run(tmp, List.of("wget", "-q", "--mirror", "-nH", "-P", "mirror", base + "/"), 60);
        assertEquals(0, r.exit(), r.stderr());
        TreeMap<String, byte[]> want = siteFiles(SITE);
        TreeMap<String, byte[]> got = siteFiles(tmp.resolve("mirror"));
        assertEquals(want.keySet(), got.keySet());
        for (String f : want.keySet()) assertArrayEquals(want.get(f), got.get(f), f);
    }

    @Test
    void malformedRequestsAreRejectedAndOthersStillServed() throws Exception {
        String[][] cases = {
            {"GET /index.html HTTP/1.1 extra\r\nHost: a\r\n\r\n", "400"},
            {"GET /index.html HTTP/1.1\r\nHost: a\r\nX: " + "y".repeat(20_000) + "\r\n\r\n", "431"},
            {"GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n", "414"},
            {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", "400"},
            {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "400"},
            {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost: a\r\nX-Injected: a\rSet-Cookie: b\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n", "400"},
            {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", "505"},
        };
        for (String[] c : cases) {
            String wire = exchange(c[0] + "GET /robots.txt HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(wire.startsWith("HTTP/1.1 " + c[1] + " "), c[0] + " → " + wire);
            assertTrue(wire.contains("Connection: close"), wire);
            assertFalse(wire.contains("Allow: /"), "the request after a malformed one must not be answered: " + wire);
            assertEquals("200", curl("-o", "/dev/null", "-w", "%{http_code}", base + "/robots.txt").stdout());
        }
    }

    @Test
    void thousandIdleConnectionsDoNotStopAClient() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write("GET /index.ht".getBytes(StandardCharsets.US_ASCII));
                idle.add(s);
            }
            Thread.sleep(200);
            long t0 = System.nanoTime();
            Tools.Result r = curl("-o", "/dev/null", "-w", "%{http_code}", base + "/index.html");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("200", r.stdout(), r.stderr());
            assertTrue(ms < 1000, "served in " + ms + " ms with 1,000 idle connections open");
        } finally {
            for (Socket s : idle) s.close();
        }
    }

    @Test
    void wrkCompletesWithoutSocketErrors() throws Exception {
        String duration = System.getProperty("morgana.wrk.duration", "20s");
        Tools.Result r = Tools.run(tmp, List.of("wrk", "-t2", "-c64", "-d" + duration, base + "/index.html"), 120);
        assertEquals(0, r.exit(), r.stderr());
        assertFalse(r.stdout().contains("Socket errors"), r.stdout());
        assertFalse(r.stdout().contains("Non-2xx"), r.stdout());
        Matcher m = Pattern.compile("(\\d+) requests in").matcher(r.stdout());
        assertTrue(m.find() && Long.parseLong(m.group(1)) > 1000, r.stdout());
    }

    @Test
    void servesATarArchiveAndADirectory() throws Exception {
        Path tar = tmp.resolve("site.tar.gz");
        Tools.Result t = Tools.run(tmp, List.of("tar", "-czf", tar.toString(), "-C", SITE.toAbsolutePath().toString(), "."), 30);
        assertEquals(0, t.exit(), t.stderr());
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        Files.writeString(dir.resolve("hello.txt"), "hello from a directory\n");
        try (Launcher.Running fromTar = Launcher.start(new Website(), "unix", "--port=0", "--tar=" + tar);
                Launcher.Running fromDir = Launcher.start(new Website(), "unix", "--port=0", "--htdocs=" + dir)) {
            int tarPort = fromTar.awaitLogInt("listening on tcp port ", Duration.ofSeconds(20));
            int dirPort = fromDir.awaitLogInt("listening on tcp port ", Duration.ofSeconds(20));
            Tools.Result a = curl("-o", tmp.resolve("big").toString(), "http://127.0.0.1:" + tarPort + "/files/lines-1mib.txt");
            assertEquals(0, a.exit(), a.stderr());
            assertArrayEquals(Files.readAllBytes(SITE.resolve("files/lines-1mib.txt")), Files.readAllBytes(tmp.resolve("big")));
            assertEquals("hello from a directory\n", curl("http://127.0.0.1:" + dirPort + "/hello.txt").stdout());
        }
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** Sends raw bytes on one connection and returns all the server sends until it closes (or 3 s pass). */
    static String exchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(3000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            try {
                int n;
                while ((n = in.read(b)) >= 0) out.write(b, 0, n);
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // what came is what we judge
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
