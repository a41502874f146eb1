package io.morgana.target.unix;

import io.morgana.api.Arg;
import io.morgana.api.Stack;
import io.morgana.runtime.Boot;
import io.morgana.runtime.BootException;
import io.morgana.runtime.StandardArgs;
import io.morgana.runtime.Target;
import java.util.List;

/**
 * The {@code unix} target: the appliance runs as a plain JVM process; its network stack is the
 * host's sockets, its stores host directories (or packed content), its block devices host files.
 */
public final class UnixTarget implements Target {

    private static final System.Logger LOG = System.getLogger("unix");

    @Override public String name() { return "unix"; }

    @Override public String summary() { return "a plain JVM process on the host's sockets, directories and files"; }

    @Override public String requirements() { return "none: a JDK 25"; }

    @Override public Stack openStack(Boot boot) throws BootException {
        for (Arg<?> a : List.of(StandardArgs.IPV4, StandardArgs.IPV4_GATEWAY, StandardArgs.DHCP, StandardArgs.INTERFACE, StandardArgs.PCAP)) {
            if (boot.given(a)) {
                LOG.log(System.Logger.Level.WARNING, "--" + a.name() + " is ignored on target unix: it uses the host's addresses "
                        + "and sockets (run on target tap for Morgana's own stack)");
            }
        }
        UnixStack stack = new UnixStack();
        boot.onShutdown(stack);
        return stack;
    }
}
