package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.example.echo.Echo;
import io.morgana.runtime.Launcher;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** examples/echo, unchanged, on the tap target: what {@code morgana run -t tap examples/echo} does. */
@Privileged(tools = "socat")
class EchoOnTapTest {

    @Test
    void echoesUdpAndTcpOnItsOwnStack() throws Exception {
        try (Netns ns = Netns.create("t4ns-echo")) {
            ns.addTap("t4tap-ec", "10.4.11.1/24");
            try (Launcher.Running app = Launcher.start(new Echo(), "tap",
                    ns.tapArgs("t4tap-ec", "--ipv4=10.4.11.2/24", "--ipv4-gateway=10.4.11.1"))) {
                app.awaitLog("listening on udp port 7", Duration.ofSeconds(20));
                Netns.Result udp = ns.exec(Duration.ofSeconds(15), "sh", "-c", "echo over udp | socat -t 3 - UDP4:10.4.11.2:7");
                assertEquals("over udp", udp.stdout().trim(), udp.output());
                Netns.Result tcp = ns.exec(Duration.ofSeconds(15), "sh", "-c", "echo over tcp | socat -t 3 - TCP4:10.4.11.2:7");
                assertEquals("over tcp", tcp.stdout().trim(), tcp.output());
                app.stop();
                assertEquals(0, app.awaitExit(Duration.ofSeconds(20)));
            }
        }
    }
}
