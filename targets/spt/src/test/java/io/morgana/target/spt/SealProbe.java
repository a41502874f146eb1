package io.morgana.target.spt;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import io.morgana.runtime.KernelRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small appliance run as its own JVM by {@link SealTest}: it acquires its devices (a TCP and a UDP
 * echo socket on loopback, one unconnected TCP socket), seals itself unless {@code --no-seal}, then
 * tries what a sealed appliance must not do and checks that the JVM still does what it must
 * (threads, GC, JIT, class loading, time zones) and that the runtime's randomness (a descriptor
 * held from boot) still reads, and serves echo until stdin closes.
 *
 * <p>Prints {@code attempt NAME allowed|denied DETAIL}, {@code check NAME ok|failed DETAIL},
 * then {@code serving TCPPORT UDPPORT}.
 */
public final class SealProbe {

    public static void main(String[] args) throws Exception {
        boolean seal = !List.of(args).contains("--no-seal");
        String file = args.length > 0 && !args[args.length - 1].startsWith("--") ? args[args.length - 1] : "/etc/hostname";

        // boot: devices
        ServerSocketChannel tcp = ServerSocketChannel.open();
        tcp.bind(new InetSocketAddress("127.0.0.1", 0));
        DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET);
        udp.bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel unconnected = SocketChannel.open();
        KernelRandom random = KernelRandom.shared();
        int tcpPort = ((InetSocketAddress) tcp.getLocalAddress()).getPort();

        if (seal) Seal.install();
        System.out.println("sealed " + seal);

        attempt("open", () -> Files.readAllBytes(Path.of(file)).length + " bytes");
        attempt("socket", () -> { SocketChannel.open().close(); return "created"; });
        attempt("connect", () -> { unconnected.connect(new InetSocketAddress("127.0.0.1", tcpPort)); unconnected.close(); return "connected"; });
        attempt("exec", () -> "exit " + new ProcessBuilder("/bin/true").start().waitFor());

        check("platform-thread", () -> { Thread t = new Thread(() -> {}); t.start(); t.join(); });
        check("virtual-threads", () -> {
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 100; i++) ts.add(Thread.ofVirtual().start(() -> Thread.yield()));
            for (Thread t : ts) t.join();
        });
        check("gc", () -> {
            List<byte[]> keep = new ArrayList<>();
            for (int i = 0; i < 2000; i++) { keep.add(new byte[64 * 1024]); if (keep.size() > 100) keep.clear(); }
            System.gc();
        });
        check("jit", () -> {
            long sum = 0;
            for (int i = 0; i < 200; i++) sum += hot(20_000);
            if (sum == 42) throw new AssertionError();
        });
        check("late-app-class", () -> Late.touch());
        check("late-jdk-class", () -> Class.forName("java.util.concurrent.Exchanger").getDeclaredConstructor().newInstance());
        check("time-zone", () -> ZonedDateTime.now().toString());
        check("format", () -> String.format(Locale.GERMANY, "%,.2f", 1234567.891));
        check("kernel-random", () -> {
            byte[] a = new byte[32], b = new byte[32];
            random.nextBytes(a);
            random.nextBytes(b);
            if (Arrays.equals(a, b) || Arrays.equals(a, new byte[32])) throw new AssertionError("not random: " + Arrays.toString(a));
        });
        check("processors", () -> { if (Runtime.getRuntime().availableProcessors() < 1) throw new AssertionError(); });

        Thread.ofPlatform().daemon().start(() -> serveTcp(tcp));
        Thread.ofPlatform().daemon().start(() -> serveUdp(udp));
        System.out.println("serving " + tcpPort + " " + ((InetSocketAddress) udp.getLocalAddress()).getPort());
        System.out.flush();
        // until the test closes our stdin
        new BufferedReader(new InputStreamReader(System.in)).readLine();
    }

    static final AtomicLong sink = new AtomicLong();

    static long hot(int n) {
        long x = 0;
        for (int i = 0; i < n; i++) x += (i * 31L) ^ (x >>> 3);
        sink.addAndGet(x);
        return x;
    }

    /** Loaded for the first time after the seal, from the jar this probe runs from. */
    static final class Late {
        static String touch() { return "late"; }
    }

    static void serveTcp(ServerSocketChannel tcp) {
        try {
            while (true) {
                SocketChannel c = tcp.accept();
                Thread.ofVirtual().start(() -> {
                    try (c) {
                        ByteBuffer b = ByteBuffer.allocate(4096);
                        while (c.read(b) > 0) { b.flip(); while (b.hasRemaining()) c.write(b); b.clear(); }
                    } catch (Exception e) {
                        System.out.println("tcp-error " + e);
                    }
                });
            }
        } catch (Exception e) {
            System.out.println("tcp-error " + e);
        }
    }

    static void serveUdp(DatagramChannel udp) {
        try {
            ByteBuffer b = ByteBuffer.allocate(2048);
            while (true) {
                b.clear();
                var from = udp.receive(b);
                b.flip();
                udp.send(b, from);
            }
        } catch (Exception e) {
            System.out.println("udp-error " + e);
        }
    }

    interface Attempt { Object run() throws Exception; }

    interface Check { void run() throws Exception; }

    static void attempt(String name, Attempt a) {
        try {
            System.out.println("attempt " + name + " allowed " + a.run());
        } catch (Throwable t) {
            System.out.println("attempt " + name + " denied " + oneLine(t));
        }
    }

    static void check(String name, Check c) {
        try {
            c.run();
            System.out.println("check " + name + " ok");
        } catch (Throwable t) {
            System.out.println("check " + name + " failed " + oneLine(t));
        }
    }

    static String oneLine(Throwable t) {
        return (t.getClass().getName() + ": " + t.getMessage()).replace('\n', ' ');
    }
}
