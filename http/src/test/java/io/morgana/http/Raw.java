package io.morgana.http;

import io.morgana.testing.RawHttp;
import java.io.IOException;
import java.net.Socket;

/** Test-only: {@link RawHttp} against a server on this host's loopback. */
final class Raw {
    private Raw() {}

    static RawHttp.Reply exchange(int port, String request, int waitMillis) throws IOException {
        return RawHttp.exchange("127.0.0.1", port, request, waitMillis);
    }

    static RawHttp.Reply exchange(int port, byte[] request, int waitMillis) throws IOException {
        return RawHttp.exchange("127.0.0.1", port, request, waitMillis);
    }

    static RawHttp.Reply readAll(Socket s, int waitMillis) throws IOException { return RawHttp.readAll(s, waitMillis); }
}
