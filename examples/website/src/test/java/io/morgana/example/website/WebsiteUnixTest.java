package io.morgana.example.website;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.runtime.Launcher;
import io.morgana.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The website on the {@code unix} target (host sockets), clients on loopback. */
@Privileged(tools = {"curl", "wget", "wrk", "tar"})
class WebsiteUnixTest extends WebsiteChecks {
    Launcher.Running website;
    int port;

    @BeforeAll
    void boot() {
        website = Launcher.start(new Website(), "unix", "--port=0", "--logs=*:info,http.access:warn");
        port = website.awaitLogInt("listening on tcp port ", Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() {
        if (website != null) website.close();
    }

    @Override String host() { return "127.0.0.1"; }

    @Override int port() { return port; }

    @Override Tools.Result tool(int timeoutSeconds, List<String> command) throws Exception {
        return Tools.run(tmp, command, timeoutSeconds);
    }

    @Override void raw(String check) throws Exception {
        RawChecks.run(check, host(), port, SITE);
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

}
