package io.morgana.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Test-only: sends raw bytes to a server and reads what comes back. */
final class Raw {
    private Raw() {}

    /** What came back, and whether the server closed the connection (end of stream) within the wait. */
    record Reply(String text, boolean closed) {
        int status() { return Integer.parseInt(text.substring(9, 12)); }
        int count(String s) {
            int n = 0;
            for (int i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) n++;
            return n;
        }
    }

    static Reply exchange(int port, String request, int waitMillis) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), waitMillis);
    }

    static Reply exchange(int port, byte[] request, int waitMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return readAll(s, waitMillis);
        }
    }

    static Reply readAll(Socket s, int waitMillis) throws IOException {
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
        } catch (java.net.SocketException e) {
            closed = true; // reset
        }
        return new Reply(out.toString(StandardCharsets.ISO_8859_1), closed);
    }
}
