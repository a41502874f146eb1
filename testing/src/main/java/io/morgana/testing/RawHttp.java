package io.morgana.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Test-only: raw bytes to an HTTP server on one connection, and everything it sends back until it
 * closes or a wait passes. For what a real client would never send (malformed requests, pipelines,
 * stalls) and for checking the exact bytes of an answer.
 */
public final class RawHttp {
    private RawHttp() {}

    /** What came back (as Latin-1 text), and whether the server closed the connection within the wait. */
    public record Reply(String text, boolean closed) {
        /** The status code of the first response. */
        public int status() {
            if (text.length() < 12 || !text.startsWith("HTTP/1.")) throw new AssertionError("no status line in: " + text);
            return Integer.parseInt(text.substring(9, 12));
        }

        /** How many times {@code s} occurs in the text. */
        public int count(String s) {
            int n = 0;
            for (int i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) n++;
            return n;
        }
    }

    /** Sends {@code request} (Latin-1) to {@code host:port} and reads the reply. */
    public static Reply exchange(String host, int port, String request, int waitMillis) throws IOException {
        return exchange(host, port, request.getBytes(StandardCharsets.ISO_8859_1), waitMillis);
    }

    public static Reply exchange(String host, int port, byte[] request, int waitMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return readAll(s, waitMillis);
        }
    }

    /** Reads until end of stream (or reset: closed) or until nothing came for {@code waitMillis} (still open). */
    public static Reply readAll(Socket s, int waitMillis) throws IOException {
        s.setSoTimeout(waitMillis);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        boolean closed = false;
        try {
            int n;
            while ((n = in.read(b)) >= 0) out.write(b, 0, n);
            closed = true;
        } catch (SocketTimeoutException e) {
            // still open
        } catch (SocketException e) {
            closed = true; // reset after the answer
        }
        return new Reply(out.toString(StandardCharsets.ISO_8859_1), closed);
    }
}
