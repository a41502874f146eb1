package io.morgana.target.spt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests of an AOT training run: an AOT cache holds only what the training run did, so a run
 * that merely boots leaves the first requests to load, link and interpret the TCP, HTTP and
 * key-value code from scratch. Once the appliance says {@code listening on tcp port N}, this sends
 * {@code GET /} to the address of its {@code --ipv4} argument: half over fresh connections (accept,
 * handshake, close) and half over one keep-alive connection. It is a plain HTTP/1.1 client, so a
 * non-HTTP TCP appliance sees requests it may answer with anything: what it sends back is read and
 * dropped. Failures are reported, not thrown: without them the cache covers the start only.
 */
final class TrainingRequests {
    private TrainingRequests() {}

    private static final Pattern LISTENING = Pattern.compile("listening on tcp port (\\d+)");
    private static final byte[] GET = "GET / HTTP/1.1\r\nHost: training\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

    /**
     * Sends {@code count} requests to the trained appliance at {@code address} (its {@code --ipv4},
     * null if it has none) if it listens on TCP; how many got an answer.
     */
    static int send(SptPackager.TrainingRun run, String address, int count, Consumer<String> progress)
            throws IOException, InterruptedException {
        if (address == null || !run.awaitOutput("listening on tcp port ", Duration.ofSeconds(3))) {
            progress.accept("spt: the training run trains the start only (no --ipv4 in its arguments, or no 'listening on tcp port')");
            return 0;
        }
        Matcher m = LISTENING.matcher(Files.readString(run.log(), StandardCharsets.UTF_8));
        if (!m.find()) return 0;
        InetSocketAddress to = new InetSocketAddress(address, Integer.parseInt(m.group(1)));
        int answered = 0;
        try {
            for (int i = 0; i < count / 2; i++) {
                try (Socket s = connect(to)) {
                    if (exchange(s)) answered++;
                }
            }
            try (Socket s = connect(to)) {
                for (int i = count / 2; i < count; i++) {
                    if (exchange(s)) answered++;
                }
            }
        } catch (IOException e) {
            progress.accept("spt: training requests to " + to + " stopped after " + answered + ": " + e);
        }
        return answered;
    }

    private static Socket connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(2000);
        s.setTcpNoDelay(true);
        s.connect(to, 5000);
        return s;
    }

    /** One request; true if an answer came (read until the headers' end and Content-Length, or 1 s of quiet). */
    private static boolean exchange(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(GET);
        out.flush();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[16384];
        StringBuilder head = new StringBuilder();
        int n;
        long body = -1;
        while (body < 0 && (n = in.read(buf)) > 0) {
            head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            int end = head.indexOf("\r\n\r\n");
            if (end < 0) continue;
            Matcher cl = CONTENT_LENGTH.matcher(head.substring(0, end));
            long length = cl.find() ? Long.parseLong(cl.group(1)) : 0;
            body = length - (head.length() - end - 4);
        }
        while (body > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, body))) > 0) body -= n;
        return body == 0 || head.length() > 0;
    }
}
