package io.morgana.example.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The echo appliance as a real process through the runtime's entry point
 * ({@code java -cp … io.morgana.runtime.Main unix …}), as {@code morgana run} starts it: boot,
 * echo, SIGTERM stops it cleanly with status 0; a bad argument exits 64 with one line.
 */
class EchoProcessTest {

    private static ProcessBuilder java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), "io.morgana.runtime.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    @Test void sigtermStopsGracefullyWithStatusZero() throws Exception {
        Process p = java("unix", "--port=0").start();
        try {
            // Collect stderr on a thread: destroy() closes the streams we hold.
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = err.readLine()) != null; ) lines.add(line);
                } catch (java.io.IOException closed) {
                    // the process ended
                }
            });
            int port = -1;
            while (port < 0) {
                String line = lines.poll(20, TimeUnit.SECONDS);
                assertTrue(line != null, "no port logged within 20 s");
                int i = line.indexOf("listening on tcp port ");
                if (i >= 0) port = Integer.parseInt(line.substring(i + "listening on tcp port ".length()).strip());
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write("over the wire\n".getBytes());
                s.shutdownOutput();
                assertEquals("over the wire\n", new String(s.getInputStream().readAllBytes()));
            }
            p.toHandle().destroy(); // SIGTERM, leaving our end of the pipes open
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "still running 20 s after SIGTERM");
            assertEquals(0, p.exitValue());
            String stopping = null;
            for (String line; stopping == null && (line = lines.poll(5, TimeUnit.SECONDS)) != null; ) {
                if (line.contains("stopping echo")) stopping = line;
            }
            assertTrue(stopping != null, "no 'stopping echo' logged");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test void badArgumentExits64WithOneLine() throws Exception {
        Process p = java("unix", "--port=abc").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(64, p.exitValue());
        assertEquals("morgana: --port: 'abc' is not a number (want an integer 0..65535) [--port=PORT]\n", out);
    }
}
