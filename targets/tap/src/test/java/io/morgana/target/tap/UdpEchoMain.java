package io.morgana.target.tap;

import io.morgana.runtime.Launcher;
import java.time.Duration;

/**
 * The UDP echo appliance booted on the tap target, for bench/udp: {@code UdpEchoMain ARGS...}
 * (the tap target's boot arguments, e.g. {@code --interface=t4tap-b0 --netns=NS --ipv4=10.4.50.2/24}).
 * Prints {@code ready} once it serves, and runs until killed.
 */
public final class UdpEchoMain {
    public static void main(String[] args) throws Exception {
        Launcher.Running app = Launcher.start(new UdpEchoAppliance(), "tap", args);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));
        app.awaitLog("echoing on udp port 7", Duration.ofSeconds(30));
        System.out.println("ready");
        System.exit(app.awaitExit(Duration.ofDays(365)));
    }
}
