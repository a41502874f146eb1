package io.morgana.tool;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The files of a new appliance project ({@code morgana new NAME}). */
final class Template {

    private Template() {}

    static void checkName(String name) throws ToolException {
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*") || name.length() > 64) {
            throw new ToolException(ToolException.USAGE, "'" + name + "' cannot name an appliance: use lower-case words "
                    + "joined by '-', starting with a letter (e.g. demo, my-service).");
        }
    }

    static String packageName(String name) { return "app." + name.replace("-", ""); }

    static String className(String name) {
        StringBuilder b = new StringBuilder();
        for (String w : name.split("-")) b.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
        return b + "Appliance";
    }

    static Map<String, String> files(String name, String morganaVersion) throws ToolException {
        checkName(name);
        String pkg = packageName(name);
        String cls = className(name);
        String path = pkg.replace('.', '/');
        Map<String, String> f = new LinkedHashMap<>();
        f.put("pom.xml", POM.replace("@NAME@", name).replace("@VERSION@", morganaVersion));
        f.put("src/main/java/" + path + "/" + cls + ".java", APPLIANCE.replace("@PKG@", pkg).replace("@CLS@", cls).replace("@NAME@", name));
        f.put("src/main/resources/" + ApplianceProject.SERVICE, pkg + "." + cls + "\n");
        f.put("src/test/java/" + path + "/" + cls + "Test.java", TEST.replace("@PKG@", pkg).replace("@CLS@", cls).replace("@NAME@", name));
        f.put("README.md", README.replace("@NAME@", name).replace("@CLS@", cls));
        f.put(".gitignore", "target/\ndist/\n");
        return f;
    }

    private static final String POM = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
              <modelVersion>4.0.0</modelVersion>
              <!-- Morgana's parent: Java 25, versions of Morgana's modules and JUnit. Resolved from the
                   local Maven repository, where bin/morgana installs Morgana. -->
              <parent><groupId>io.morgana</groupId><artifactId>morgana-parent</artifactId><version>@VERSION@</version><relativePath/></parent>
              <groupId>app</groupId>
              <artifactId>@NAME@</artifactId>
              <version>0.1.0-SNAPSHOT</version>
              <dependencies>
                <!-- The appliance itself sees only the device API: it runs unchanged on every target. -->
                <dependency><groupId>io.morgana</groupId><artifactId>morgana-api</artifactId></dependency>
                <!-- The test boots it in-process on the unix target. -->
                <dependency><groupId>io.morgana</groupId><artifactId>morgana-runtime</artifactId><scope>test</scope></dependency>
                <dependency><groupId>io.morgana</groupId><artifactId>morgana-target-unix</artifactId><scope>test</scope></dependency>
              </dependencies>
            </project>
            """;

    private static final String APPLIANCE = """
            package @PKG@;

            import io.morgana.api.Appliance;
            import io.morgana.api.Arg;
            import io.morgana.api.Context;
            import io.morgana.api.Device;
            import io.morgana.api.Manifest;
            import java.nio.charset.StandardCharsets;

            /** Greets every TCP client on --port, then closes the connection. */
            public final class @CLS@ implements Appliance {

                static final Arg<Integer> PORT = Arg.port("port", 9000, "TCP port to greet clients on");
                static final Arg<String> GREETING = Arg.string("greeting", "hello from @NAME@", "what to say");

                @Override
                public Manifest manifest() {
                    return Manifest.builder("@NAME@")
                            .summary("greets every TCP client")
                            .needs(Device.stack())
                            .arg(PORT, GREETING)
                            .build();
                }

                @Override
                public void run(Context ctx) throws Exception {
                    byte[] line = (ctx.arg(GREETING) + "\\n").getBytes(StandardCharsets.UTF_8);
                    var listener = ctx.stack().tcp().serve(ctx.arg(PORT), flow -> flow.write(line));
                    System.getLogger("@NAME@").log(System.Logger.Level.INFO, "greeting on " + listener.localAddress());
                    ctx.awaitStop();
                    listener.close();
                }
            }
            """;

    private static final String TEST = """
            package @PKG@;

            import static org.junit.jupiter.api.Assertions.assertEquals;

            import io.morgana.runtime.Launcher;
            import java.net.InetAddress;
            import java.net.Socket;
            import java.nio.charset.StandardCharsets;
            import java.time.Duration;
            import org.junit.jupiter.api.Test;

            /** Boots the appliance in this JVM on the unix target (host sockets) and talks to it. */
            class @CLS@Test {

                @Test
                void greetsATcpClient() throws Exception {
                    try (Launcher.Running app = Launcher.start(new @CLS@(), "unix", "--port=0", "--greeting=hi there")) {
                        String line = app.awaitLog("greeting on ", Duration.ofSeconds(10));
                        int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).strip());
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                            assertEquals("hi there\\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                        }
                        app.stop();
                        assertEquals(0, app.awaitExit(Duration.ofSeconds(10)));
                    }
                }
            }
            """;

    private static final String README = """
            # @NAME@

            A Morgana appliance (`@CLS@`): greets every TCP client on `--port`. Run it with
            `morgana run @NAME@ -- --port=9000` (then `nc 127.0.0.1 9000`), test it with `mvn test`.
            """;
}
