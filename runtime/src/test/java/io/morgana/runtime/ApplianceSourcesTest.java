package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplianceSourcesTest {

    @Test void hostFacilitiesAndDriversAreReported(@TempDir Path src) throws Exception {
        Path f = Files.createDirectories(src.resolve("a/b")).resolve("App.java");
        Files.writeString(f, """
                package a.b;
                import io.morgana.api.Flow;
                import static io.morgana.api.Device.stack;
                import java.util.List;
                import java.nio.ByteBuffer;
                import java.net.Socket;
                import java.net.SocketTimeoutException;
                import java.net.URI;
                import java.nio.channels.ClosedChannelException;
                import java.nio.channels.SocketChannel;
                import io.morgana.http.HttpServer;
                import java.io.FileInputStream;
                import java.nio.file.Files;
                import io.morgana.target.unix.UnixStack;
                class App {}
                """);
        assertEquals(List.of("a/b/App.java: import java.net.Socket;", "a/b/App.java: import java.nio.channels.SocketChannel;",
                "a/b/App.java: import java.io.FileInputStream;", "a/b/App.java: import java.nio.file.Files;",
                "a/b/App.java: import io.morgana.target.unix.UnixStack;"), ApplianceSources.violations(src));
    }
}
