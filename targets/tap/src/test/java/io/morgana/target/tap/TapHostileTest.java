package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.MacAddress;
import io.morgana.net.stack.NetStack;
import io.morgana.net.wire.HostileCorpus;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The net module's hostile corpus sent by the kernel into the TAP (a raw packet socket on the
 * kernel side, python3 in the namespace) while the kernel pings us: each case counted under its
 * reason, nothing escapes a layer, reassembly stays within its bounds, pings keep being answered.
 */
@Privileged(tools = {"python3", "ping"})
class TapHostileTest {
    static final String TAP = "t4tap-ho";
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:04:06");
    static final Ipv4Address US = Ipv4Address.parse("10.4.6.2");
    // Off our subnet, so that our answers (port unreachable, …) never ARP for the attacker.
    static final HostileCorpus CORPUS = new HostileCorpus(MAC.bits(), US.bits(), 0x0200_0000_0066L, Ipv4Address.parse("192.0.2.66").bits());

    @Test
    void theCorpusThroughTapIsCountedAndPingsKeepFlowing() throws Exception {
        Path dir = Files.createTempDirectory("t4-hostile");
        Path script = Path.of(getClass().getResource("/inject_frames.py").toURI());
        try (Netns ns = Netns.create("t4ns-hostile"); TestLoop loop = new TestLoop()) {
            ns.addTap(TAP, "10.4.6.1/24");
            TapLink link = new TapLink(TapDevice.open(TAP, ns.name()), MAC);
            NetStack stack = NetStack.builder(link, loop).ipv4(new Ipv4Prefix(US, 24)).build().start();
            try {
                ns.execOk(Duration.ofSeconds(10), "ping", "-c", "1", "-W", "2", US.toString()); // ARP settled

                // 1. Each case once: its counter moves by exactly one (eth.* may also move by kernel noise: IPv6 multicast).
                List<HostileCorpus.Case> cases = CORPUS.cases().stream().filter(c -> c.frame().length >= 14).toList();
                Map<String, Long> expected = new TreeMap<>();
                for (HostileCorpus.Case c : cases) expected.merge(c.counter(), 1L, Long::sum);
                List<byte[]> frames = new ArrayList<>(cases.stream().map(HostileCorpus.Case::frame).toList());
                frames.addAll(CORPUS.overlapping(7));
                expected.merge("ipv4.rx.drop.frag-overlap", 1L, Long::sum);
                Map<String, Long> before = stack.counters();
                write(dir.resolve("cases"), frames);
                Netns.Result sent = ns.execOk(Duration.ofSeconds(60), "python3", script.toString(), TAP, dir.resolve("cases").toString());
                assertTrue(sent.stdout().contains("sent " + frames.size()), sent.output());
                TapDhcpTest.await(Duration.ofSeconds(10), () -> settled(before, stack, expected));
                Map<String, Long> moved = delta(before, stack.counters(), expected.keySet());
                for (Map.Entry<String, Long> e : expected.entrySet()) {
                    long got = moved.get(e.getKey());
                    if (e.getKey().startsWith("eth.")) assertTrue(got >= e.getValue(), e.getKey() + ": " + got + " < " + e.getValue());
                    else assertEquals(e.getValue(), got, e.getKey() + " in " + moved);
                }

                // 2. A flood of first fragments and 5,000 mutated frames while the kernel pings us (the kernel's
                // TAP queue may drop some of the flood, so only bounds are asserted here).
                List<byte[]> flood = new ArrayList<>(CORPUS.firstFragmentFlood(3000, 1000));
                flood.addAll(CORPUS.mutations(5000, 42));
                write(dir.resolve("flood"), flood);
                Netns.Spawned ping = ns.spawn("ping", "-c", "200", "-i", "0.01", "-W", "2", US.toString());
                ns.execOk(Duration.ofSeconds(120), "python3", script.toString(), TAP, dir.resolve("flood").toString());
                ping.process().waitFor(); // its exit status is judged from what it printed
                Matcher m = Pattern.compile("(\\d+) received").matcher(ping.log());
                assertTrue(m.find(), ping.log());
                assertTrue(Integer.parseInt(m.group(1)) >= 190, "pings answered during the flood: " + ping.log());

                Map<String, Long> after = stack.counters();
                assertEquals(0L, after.get("eth.rx.drop.internal-error"), "an exception escaped a layer");
                assertTrue(after.get("ipv4.rx.drop.frag-evicted") > 0, "the fragment flood was bounded by eviction");
                assertTrue(stack.reassembler().inFlight() <= stack.reassembler().limits().maxDatagrams());
                assertTrue(stack.reassembler().bytesHeld() <= stack.reassembler().limits().maxBytes());
                ns.execOk(Duration.ofSeconds(10), "ping", "-c", "3", "-i", "0.2", "-W", "2", US.toString());
            } finally {
                stack.close();
            }
        }
    }

    private static boolean settled(Map<String, Long> before, NetStack stack, Map<String, Long> expected) {
        Map<String, Long> d = delta(before, stack.counters(), expected.keySet());
        return expected.entrySet().stream().allMatch(e -> d.get(e.getKey()) >= e.getValue());
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after, java.util.Set<String> keys) {
        Map<String, Long> d = new TreeMap<>();
        for (String k : keys) d.put(k, after.getOrDefault(k, 0L) - before.getOrDefault(k, 0L));
        return d;
    }

    private static void write(Path file, List<byte[]> frames) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            for (byte[] f : frames) {
                out.writeInt(f.length);
                out.write(f);
            }
        }
    }
}
