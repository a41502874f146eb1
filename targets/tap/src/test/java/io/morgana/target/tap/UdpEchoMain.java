package io.morgana.target.tap;

import io.morgana.api.Ipv4Prefix;
import io.morgana.net.stack.NetStack;
import java.util.concurrent.CountDownLatch;

/**
 * A UDP echo on port 7 over Morgana's stack on a TAP interface, for bench/udp:
 * {@code UdpEchoMain IFNAME NETNS A.B.C.D/LEN}. Runs until killed.
 */
public final class UdpEchoMain {
    public static void main(String[] args) throws Exception {
        TestLoop loop = new TestLoop();
        TapLink link = new TapLink(TapDevice.open(args[0], args[1]), TapLink.randomMac(java.security.SecureRandom.getInstanceStrong()::nextBytes));
        NetStack stack = NetStack.builder(link, loop).ipv4(Ipv4Prefix.parse(args[2])).build().start();
        UdpEcho echo = new UdpEcho(stack, 7);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                echo.close();
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            stack.close();
        }));
        System.out.println("ready");
        new CountDownLatch(1).await();
    }
}
