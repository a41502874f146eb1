package io.morgana.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testing.Privileged;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real server: nginx, with keep-alive, ranges, HEAD, 404 and chunked (gzip) bodies. */
@Privileged(tools = "nginx")
class HttpClientNginxTest {
    @TempDir Path dir;

    @Test
    void fetchesFromNginx() throws Exception {
        Path root = Files.createDirectories(dir.resolve("htdocs"));
        byte[] big = new byte[300_000];
        new java.util.Random(9).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        String text = "all work and no play makes a dull appliance\n".repeat(2000);
        Files.writeString(root.resolve("text.txt"), text);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                user root;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 64; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fcgi;
                  uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                  gzip on; gzip_types text/plain; gzip_min_length 1;
                  server { listen 127.0.0.1:%2$d; root %1$s/htdocs; }
                }
                """.formatted(dir, port));
        Process nginx = new ProcessBuilder("nginx", "-c", conf.toString(), "-p", dir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile()).start();
        try {
            SocketFlow flow = null;
            for (int i = 0; i < 100 && flow == null; i++) {
                try {
                    flow = SocketFlow.connect(port);
                } catch (java.net.ConnectException e) {
                    Thread.sleep(50);
                }
            }
            assertTrue(flow != null, "nginx did not start: " + Files.readString(dir.resolve("out.log")));
            try (HttpClient c = new HttpClient(flow, "localhost")) {
                assertArrayEquals(big, c.get("/big.bin").body());
                HttpClient.Response range = c.send("GET", "/big.bin", Headers.of("Range", "bytes=1000-1999"), null);
                assertEquals(206, range.status());
                assertArrayEquals(Arrays.copyOfRange(big, 1000, 2000), range.body());
                HttpClient.Response head = c.head("/big.bin");
                assertEquals("300000", head.header("Content-Length"));
                assertEquals(0, head.body().length);
                assertEquals(404, c.get("/missing").status());
                HttpClient.Response gz = c.send("GET", "/text.txt", Headers.of("Accept-Encoding", "gzip"), null);
                assertEquals("chunked", gz.header("Transfer-Encoding"));
                assertEquals("gzip", gz.header("Content-Encoding"));
                ByteArrayOutputStream plain = new ByteArrayOutputStream();
                try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
                    in.transferTo(plain);
                }
                assertEquals(text, plain.toString(StandardCharsets.UTF_8));
                assertEquals(200, c.get("/text.txt").status()); // the same connection, still in step
            }
        } finally {
            nginx.destroy();
            nginx.waitFor();
        }
    }
}
