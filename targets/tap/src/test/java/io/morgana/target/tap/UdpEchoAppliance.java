package io.morgana.target.tap;

import io.morgana.api.Appliance;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.Manifest;
import java.lang.System.Logger.Level;

/** The UDP part of examples/echo as an appliance of its own (API only), for the tap target's tests. */
public final class UdpEchoAppliance implements Appliance {

    @Override public Manifest manifest() {
        return Manifest.builder("udp-echo").summary("UDP echo on port 7").needs(Device.stack()).build();
    }

    @Override public void run(Context context) throws Exception {
        try (UdpEcho echo = new UdpEcho(context.stack(), 7)) {
            System.getLogger("udp-echo").log(Level.INFO, "echoing on udp port 7");
            context.awaitStop();
        }
    }
}
