package io.morgana.net.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Arg;
import io.morgana.api.Clock;
import io.morgana.api.Manifest;
import io.morgana.api.Random;
import io.morgana.runtime.Boot;
import io.morgana.runtime.StandardArgs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --tcp-msl and --tcp-congestion-control into the TCP configuration, and their errors. */
class TcpArgsTest {

    static Boot boot(Map<String, String> given) {
        return new Boot() {
            @Override public Manifest manifest() { return Manifest.builder("t").build(); }
            @Override public <T> T arg(Arg<T> a) {
                String v = given.get(a.name());
                return v == null ? a.defaultValue() : a.parse(v);
            }
            @Override public boolean given(Arg<?> a) { return given.containsKey(a.name()); }
            @Override public Clock clock() { throw new UnsupportedOperationException(); }
            @Override public Random random() { throw new UnsupportedOperationException(); }
            @Override public void onShutdown(AutoCloseable resource) {}
        };
    }

    @Test void defaultsAreLinuxLikeAndArgumentsChangeThem() {
        TcpConfig d = TcpArgs.config(boot(Map.of()));
        assertEquals(Duration.ofSeconds(30).toNanos(), d.mslNanos());
        assertEquals("cubic", d.congestionControl());
        TcpConfig c = TcpArgs.config(boot(Map.of("tcp-msl", "5s", "tcp-congestion-control", "Reno")));
        assertEquals(Duration.ofSeconds(5).toNanos(), c.mslNanos());
        assertEquals("reno", c.congestionControl());
    }

    @Test void wrongValuesSayWhatIsWanted() {
        IllegalArgumentException msl = assertThrows(IllegalArgumentException.class, () -> TcpArgs.MSL.parse("100ms"));
        assertTrue(msl.getMessage().contains("1s..10m"), msl.getMessage());
        IllegalArgumentException cc = assertThrows(IllegalArgumentException.class, () -> TcpArgs.CONGESTION_CONTROL.parse("bbr"));
        assertTrue(cc.getMessage().contains("cubic or reno"), cc.getMessage());
        assertTrue(StandardArgs.ALL.stream().noneMatch(a -> TcpArgs.ALL.stream().anyMatch(b -> b.name().equals(a.name()))),
                "no clash with the standard arguments");
    }

    /** The MSL reaches the connections: TIME_WAIT lasts twice it. */
    @Test void timeWaitLastsTwiceTheConfiguredMsl() throws Exception {
        SimNet sim = new SimNet(31, TcpArgs.config(boot(Map.of("tcp-msl", "2s"))));
        var t = new TcpSimulationTest.Transfer(sim, 10_000);
        assertTrue(sim.run(() -> t.client.state() == TcpConnection.State.TIME_WAIT, 10 * TcpSimulationTest.S));
        sim.runFor(3 * TcpSimulationTest.S);
        assertEquals(TcpConnection.State.TIME_WAIT, t.client.state());
        sim.runFor(1_100 * TcpSimulationTest.MS);
        assertEquals(TcpConnection.State.CLOSED, t.client.state());
    }
}
