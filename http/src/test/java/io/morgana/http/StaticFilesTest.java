package io.morgana.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Static file semantics: RFC 9110 conditionals and ranges, content negotiation of precompressed siblings. */
class StaticFilesTest {
    static final Instant MODIFIED = Instant.parse("2026-01-02T03:04:05Z");
    static final byte[] BIG = new byte[100_000];

    static {
        for (int i = 0; i < BIG.length; i++) BIG[i] = (byte) (i * 7 + i / 251);
    }

    final MapKv kv = new MapKv(Map.of(
            "index.html", bytes("<h1>home</h1>"),
            "404.html", bytes("<h1>missing</h1>"),
            "docs/index.html", bytes("<h1>docs</h1>"),
            "style.css", bytes("body{}"),
            "style.css.gz", bytes("GZ-BYTES"),
            "style.css.br", bytes("BR-BYTES"),
            "big.bin", BIG), MODIFIED);
    final StaticFiles files = StaticFiles.of(kv);

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    HttpResponse get(String target, String... headers) throws Exception {
        return files.handle(HttpRequest.of("GET", target, Headers.of(headers), InputStream.nullInputStream()));
    }

    @Test
    void servesAValueWithValidators() throws Exception {
        HttpResponse r = get("/big.bin");
        assertEquals(200, r.status());
        assertArrayEquals(BIG, r.bodyBytes());
        assertEquals("application/octet-stream", r.headers().get("Content-Type"));
        assertEquals("Fri, 02 Jan 2026 03:04:05 GMT", r.headers().get("Last-Modified"));
        assertTrue(r.headers().get("ETag").matches("\"[0-9a-f]{32}\""), r.headers().get("ETag"));
        assertEquals("bytes", r.headers().get("Accept-Ranges"));
    }

    @Test
    void aRepeatedPlainRequestIsAnsweredTheSameFromItsPreparedFields() throws Exception {
        HttpResponse first = get("/style.css");
        for (int i = 0; i < 3; i++) {
            HttpResponse again = get("/style.css");
            assertEquals(first.headers().toString(), again.headers().toString());
            assertArrayEquals(first.bodyBytes(), again.bodyBytes());
        }
        // What the prepared fields skip still takes the full path: encodings, ranges, conditionals.
        assertEquals("br", get("/style.css", "Accept-Encoding", "br").headers().get("Content-Encoding"));
        assertEquals(206, get("/style.css", "Range", "bytes=0-1").status());
        assertEquals(304, get("/style.css", "If-None-Match", first.headers().get("ETag")).status());
    }

    @Test
    void onTheWireThePreparedAnswerIsTheFullPathsAnswer() throws Exception {
        try (SocketFlow.Server s = new SocketFlow.Server(HttpServer.builder(files).build())) {
            String get = "GET /style.css HTTP/1.1\r\nHost: a\r\n\r\n";
            String head = "HEAD /style.css HTTP/1.1\r\nHost: a\r\n\r\n";
            // The first GET takes the full path and prepares the path; the next three use it.
            String all = Raw.exchange(s.port(), get + get + head + get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"), 5000)
                    .text().replaceAll("Date: [^\r]*\r\n", "");
            String[] answers = all.split("(?=HTTP/1\\.1 )");
            assertEquals(4, answers.length, all);
            assertEquals(answers[0], answers[1]);
            assertEquals(answers[0].substring(0, answers[0].indexOf("\r\n\r\n") + 4), answers[2], "HEAD: the same head, no body");
            assertEquals(answers[0].replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"), answers[3]);
            assertTrue(answers[0].contains("Content-Length: 6\r\n") && answers[0].endsWith("\r\n\r\nbody{}"), answers[0]);
        }
    }

    @Test
    void aChangedFileIsServedNewWithNewValidators(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("page.html");
        java.nio.file.Files.writeString(f, "old");
        java.nio.file.Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(MODIFIED));
        StaticFiles site = StaticFiles.of(io.morgana.kv.DirectoryKv.open(dir, false));
        HttpRequest req = HttpRequest.of("GET", "/page.html", new Headers(), InputStream.nullInputStream());
        String oldTag = site.handle(req).headers().get("ETag");
        assertEquals("old", new String(site.handle(req).bodyBytes(), StandardCharsets.UTF_8));
        java.nio.file.Files.writeString(f, "newer");
        java.nio.file.Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(MODIFIED.plusSeconds(60)));
        HttpResponse r = site.handle(req);
        assertEquals("newer", new String(r.bodyBytes(), StandardCharsets.UTF_8));
        assertNotEquals(oldTag, r.headers().get("ETag"));
        java.nio.file.Files.delete(f);
        assertEquals(404, site.handle(req).status());
    }

    @Test
    void directoriesRedirectThenServeTheirIndex() throws Exception {
        HttpResponse redirect = get("/docs?x=1");
        assertEquals(301, redirect.status());
        assertEquals("/docs/?x=1", redirect.headers().get("Location"));
        assertEquals("<h1>docs</h1>", new String(get("/docs/").bodyBytes(), StandardCharsets.UTF_8));
        assertEquals("<h1>home</h1>", new String(get("/").bodyBytes(), StandardCharsets.UTF_8));
        assertEquals("text/html; charset=utf-8", get("/").headers().get("Content-Type"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/../index.html", "/%2e%2e/index.html", "/docs%2findex.html", "/a%00b", "/style.css/", "/%zz", "/%c3"})
    void missesGetThe404Page(String target) throws Exception {
        HttpResponse r = get(target);
        assertEquals(404, r.status());
        assertEquals("<h1>missing</h1>", new String(r.bodyBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void onlyGetAndHead() throws Exception {
        HttpResponse r = files.handle(HttpRequest.of("PUT", "/index.html", new Headers(), InputStream.nullInputStream()));
        assertEquals(405, r.status());
        assertEquals("GET, HEAD", r.headers().get("Allow"));
    }

    @Test
    void conditionalRequests() throws Exception {
        String etag = get("/big.bin").headers().get("ETag");
        assertEquals(304, get("/big.bin", "If-None-Match", etag).status());
        assertEquals(304, get("/big.bin", "If-None-Match", "\"x\", W/" + etag).status());
        assertEquals(304, get("/big.bin", "If-None-Match", "*").status());
        assertEquals(200, get("/big.bin", "If-None-Match", "\"other\"").status());
        assertEquals(0, get("/big.bin", "If-None-Match", etag).bodyBytes().length);
        assertEquals(304, get("/big.bin", "If-Modified-Since", "Fri, 02 Jan 2026 03:04:05 GMT").status());
        assertEquals(304, get("/big.bin", "If-Modified-Since", "Friday, 02-Jan-26 03:04:05 GMT").status());
        assertEquals(200, get("/big.bin", "If-Modified-Since", "Fri, 02 Jan 2026 03:04:04 GMT").status());
        assertEquals(200, get("/big.bin", "If-Modified-Since", "not a date").status());
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3)
        assertEquals(200, get("/big.bin", "If-None-Match", "\"other\"", "If-Modified-Since", "Fri, 02 Jan 2026 03:04:05 GMT").status());
        assertEquals(412, get("/big.bin", "If-Match", "\"other\"").status());
        assertEquals(412, get("/big.bin", "If-Match", "W/" + etag).status());
        assertEquals(200, get("/big.bin", "If-Match", etag).status());
        assertEquals(412, get("/big.bin", "If-Unmodified-Since", "Thu, 01 Jan 2026 00:00:00 GMT").status());
    }

    @Test
    void singleRange() throws Exception {
        HttpResponse r = get("/big.bin", "Range", "bytes=100-199");
        assertEquals(206, r.status());
        assertEquals("bytes 100-199/100000", r.headers().get("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(BIG, 100, 200), r.bodyBytes());
        assertArrayEquals(Arrays.copyOfRange(BIG, 99_900, 100_000), get("/big.bin", "Range", "bytes=-100").bodyBytes());
        assertArrayEquals(Arrays.copyOfRange(BIG, 99_990, 100_000), get("/big.bin", "Range", "bytes=99990-").bodyBytes());
        assertEquals("bytes 99990-99999/100000", get("/big.bin", "Range", "bytes=99990-200000").headers().get("Content-Range"));
    }

    @Test
    void multipleRangesAreMultipart() throws Exception {
        HttpResponse r = get("/big.bin", "Range", "bytes=0-9, 50-59");
        assertEquals(206, r.status());
        String type = r.headers().get("Content-Type");
        assertTrue(type.startsWith("multipart/byteranges; boundary="), type);
        String boundary = type.substring(type.indexOf('=') + 1);
        String body = new String(r.bodyBytes(), StandardCharsets.ISO_8859_1);
        String part1 = "--" + boundary + "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-9/100000\r\n\r\n"
                + new String(BIG, 0, 10, StandardCharsets.ISO_8859_1);
        String part2 = "\r\n--" + boundary + "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 50-59/100000\r\n\r\n"
                + new String(BIG, 50, 10, StandardCharsets.ISO_8859_1);
        assertEquals(part1 + part2 + "\r\n--" + boundary + "--\r\n", body);
    }

    @Test
    void unsatisfiableAndIgnoredRanges() throws Exception {
        HttpResponse r = get("/big.bin", "Range", "bytes=100000-");
        assertEquals(416, r.status());
        assertEquals("bytes */100000", r.headers().get("Content-Range"));
        assertEquals(200, get("/big.bin", "Range", "bytes=5-1").status());       // invalid: ignored
        assertEquals(200, get("/big.bin", "Range", "lines=1-2").status());       // other unit: ignored
        assertEquals(200, get("/big.bin", "Range", "bytes=" + "1-2,".repeat(20) + "3-4").status()); // too many
        String etag = get("/big.bin").headers().get("ETag");
        assertEquals(206, get("/big.bin", "Range", "bytes=0-0", "If-Range", etag).status());
        assertEquals(200, get("/big.bin", "Range", "bytes=0-0", "If-Range", "\"stale\"").status());
        assertEquals(206, get("/big.bin", "Range", "bytes=0-0", "If-Range", "Fri, 02 Jan 2026 03:04:05 GMT").status());
    }

    @Test
    void precompressedSiblings() throws Exception {
        HttpResponse plain = get("/style.css");
        assertEquals("body{}", new String(plain.bodyBytes(), StandardCharsets.UTF_8));
        assertNull(plain.headers().get("Content-Encoding"));
        assertEquals("Accept-Encoding", plain.headers().get("Vary"));
        HttpResponse gz = get("/style.css", "Accept-Encoding", "gzip, deflate");
        assertEquals("gzip", gz.headers().get("Content-Encoding"));
        assertEquals("GZ-BYTES", new String(gz.bodyBytes(), StandardCharsets.UTF_8));
        assertEquals("text/css; charset=utf-8", gz.headers().get("Content-Type"));
        HttpResponse br = get("/style.css", "Accept-Encoding", "gzip, br");
        assertEquals("br", br.headers().get("Content-Encoding"));
        assertEquals("gzip", get("/style.css", "Accept-Encoding", "br;q=0, gzip").headers().get("Content-Encoding"));
        assertNull(get("/style.css", "Accept-Encoding", "identity").headers().get("Content-Encoding"));
        assertNotEquals(plain.headers().get("ETag"), gz.headers().get("ETag"));
        assertNull(get("/big.bin").headers().get("Vary"));
    }

    @Test
    void bigBodyOverTheWireIsByteIdentical() throws Exception {
        try (SocketFlow.Server s = new SocketFlow.Server(HttpServer.builder(files).build());
                HttpClient c = new HttpClient(SocketFlow.connect(s.port()), "localhost")) {
            assertArrayEquals(BIG, c.get("/big.bin").body());
            assertArrayEquals(Arrays.copyOfRange(BIG, 100, 200), c.send("GET", "/big.bin", Headers.of("Range", "bytes=100-199"), null).body());
            HttpClient.Response head = c.head("/big.bin");
            assertEquals("100000", head.header("Content-Length"));
            assertEquals(0, head.body().length);
            assertEquals(200, c.get("/index.html").status());
        }
    }
}
