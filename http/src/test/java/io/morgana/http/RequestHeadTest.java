package io.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sans-I/O head scanner and parser: RFC 9112 examples, piecemeal arrival, and mutated input. */
class RequestHeadTest {
    static final String EXAMPLE = "GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\n"
            + "Accept-Language: en, mi\r\n\r\n";

    static RequestHead parseWhole(byte[] b) throws HttpException {
        HeadScanner s = new HeadScanner(8192, 16384, 100);
        int len = s.scan(b, 0, b.length);
        if (len < 0) throw new HttpException(400, "incomplete", true);
        return RequestHead.parse(b, 0, len);
    }

    @Test
    void parsesTheRfcExample() throws HttpException {
        RequestHead h = parseWhole(EXAMPLE.getBytes(StandardCharsets.US_ASCII));
        assertEquals("GET", h.method());
        assertEquals("/hello.txt", h.target());
        assertEquals(1, h.minor());
        assertEquals("www.example.com", h.headers().get("host"));
        assertEquals("en, mi", h.headers().get("Accept-Language"));
        assertEquals(3, h.headers().size());
    }

    @Test
    void findsTheEndWhenBytesArriveOneAtATime() throws HttpException {
        byte[] b = ("\r\n" + EXAMPLE + "GET /next").getBytes(StandardCharsets.US_ASCII);
        HeadScanner s = new HeadScanner(8192, 16384, 100);
        int len = -1;
        int to = 0;
        while (len < 0) len = s.scan(b, 0, ++to);
        assertEquals(EXAMPLE.length() + 2, len);
        assertEquals("/hello.txt", RequestHead.parse(b, 0, len).target());
    }

    @Test
    void trimsOptionalWhitespaceAroundValues() throws HttpException {
        RequestHead h = parseWhole("GET / HTTP/1.0\r\nX:  \t spaced \t \r\nY:\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("spaced", h.headers().get("x"));
        assertEquals("", h.headers().get("y"));
        assertEquals(0, h.minor());
    }

    @Test
    void obsTextIsKeptAsLatin1() throws HttpException {
        byte[] b = "GET / HTTP/1.1\r\nX: caf\u00e9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("caf\u00e9", parseWhole(b).headers().get("X"));
    }

    @Test
    void limitsAreEnforcedBeforeTheHeadIsComplete() {
        HeadScanner s = new HeadScanner(100, 1000, 5);
        byte[] longLine = ("GET /" + "a".repeat(200)).getBytes(StandardCharsets.US_ASCII);
        assertEquals(414, assertThrows(HttpException.class, () -> s.scan(longLine, 0, longLine.length)).status());
        HeadScanner s2 = new HeadScanner(100, 1000, 5);
        byte[] many = ("GET / HTTP/1.1\r\n" + "A: b\r\n".repeat(6)).getBytes(StandardCharsets.US_ASCII);
        assertEquals(431, assertThrows(HttpException.class, () -> s2.scan(many, 0, many.length)).status());
        HeadScanner s3 = new HeadScanner(100, 1000, 50);
        byte[] big = ("GET / HTTP/1.1\r\n" + ("A: " + "b".repeat(90) + "\r\n").repeat(11)).getBytes(StandardCharsets.US_ASCII);
        assertEquals(431, assertThrows(HttpException.class, () -> s3.scan(big, 0, big.length)).status());
    }

    /** Hostile input: any mutation of a valid head either parses or is refused with a status; nothing else escapes. */
    @Test
    void mutatedHeadsNeverThrowAnythingElse() {
        Random random = new Random(42);
        byte[] base = (EXAMPLE.replace("\r\n\r\n", "\r\nContent-Length: 5\r\n\r\n")).getBytes(StandardCharsets.ISO_8859_1);
        byte[] interesting = {'\r', '\n', ' ', '\t', ':', 0, (byte) 0x80, (byte) 0xff, '/', 'H', '1', '.', '"', 0x7f};
        int parsed = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = base.clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                b[random.nextInt(b.length)] = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt(256);
            }
            try {
                parseWhole(b);
                parsed++;
            } catch (HttpException e) {
                assertTrue(e.status() >= 400 && e.status() < 600, e.status() + " " + e.getMessage());
                refused++;
            }
        }
        assertTrue(parsed > 100 && refused > 100, parsed + " parsed, " + refused + " refused");
    }
}
