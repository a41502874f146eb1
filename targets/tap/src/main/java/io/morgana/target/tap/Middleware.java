package io.morgana.target.tap;

import io.morgana.api.Arg;
import io.morgana.net.link.Link;
import io.morgana.runtime.Boot;
import io.morgana.runtime.BootException;
import java.util.List;

/** The net module's link middleware as boot arguments select it: fault injection, then pcap outermost. */
final class Middleware {
    private Middleware() {}

    /** The middleware's boot arguments (besides {@code --pcap}, a standard one). */
    static List<Arg<?>> args() {
        return List.of();
    }

    /** {@code link} wrapped as the arguments ask. */
    static Link wrap(Link link, Boot boot) throws BootException {
        return link;
    }
}
