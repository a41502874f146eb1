package io.morgana.example.website;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.runtime.Launcher;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same website, unchanged, on the {@code tap} target: Morgana's own TCP/IP on a TAP device
 * inside a network namespace; the clients run in that namespace against the kernel's side.
 */
@Privileged(tools = {"curl", "wget", "wrk"})
class WebsiteTapTest extends WebsiteChecks {
    static final String APPLIANCE = "10.6.0.2";
    Netns ns;
    Launcher.Running website;

    @BeforeAll
    void boot() {
        ns = Netns.create("h6ns-web");
        ns.addTap("h6tap0", "10.6.0.1/24");
        website = Launcher.start(new Website(), "tap",
                ns.tapArgs("h6tap0", "--ipv4=" + APPLIANCE + "/24", "--ipv4-gateway=10.6.0.1", "--port=80",
                        "--logs=*:info,http.access:warn"));
        website.awaitLog("listening on tcp port 80", Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        try {
            if (website != null) website.close();
        } finally {
            if (ns != null) ns.close();
        }
    }

    /** Morgana's TCP refuses a port nobody listens on (curl: "couldn't connect", exit 7). */
    @Test
    void otherPortsAreRefused() throws Exception {
        Tools.Result r = tool(20, List.of("curl", "-sS", "--max-time", "5", "http://" + APPLIANCE + ":81/"));
        assertEquals(7, r.exit(), r.stderr());
    }

    @Override String host() { return APPLIANCE; }

    @Override int port() { return 80; }

    @Override Tools.Result tool(int timeoutSeconds, List<String> command) throws Exception {
        Netns.Result r = ns.exec(Duration.ofSeconds(timeoutSeconds), command.toArray(String[]::new));
        return new Tools.Result(r.exit(), r.stdout(), r.stderr());
    }

    @Override void raw(String check) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classpath, RawChecks.class.getName(), check, APPLIANCE, "80",
                SITE.toAbsolutePath().toString()));
        Netns.Result r = ns.exec(Duration.ofSeconds(120), cmd.toArray(String[]::new));
        if (r.exit() != 0) throw new AssertionError("RawChecks " + check + " inside " + ns.name() + " failed:\n" + r.output());
    }
}
