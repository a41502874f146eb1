package io.morgana.target.tap;

import io.morgana.api.Arg;
import io.morgana.net.link.Faults;
import io.morgana.net.link.Link;
import io.morgana.net.link.LinkArgs;
import io.morgana.net.link.PcapWriter;
import io.morgana.runtime.Boot;
import io.morgana.runtime.BootException;
import io.morgana.runtime.StandardArgs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The net module's link middleware as boot arguments select it. The pcap writer wraps the TAP link
 * directly, so the file shows the frames that really crossed the interface; the fault injector
 * ({@code --link-*}) is applied by the stack above it, so frames it drops on the way out never
 * reach the wire (nor the file) and frames it drops on the way in are in the file.
 */
final class Middleware {
    private Middleware() {}

    /** The middleware's boot arguments besides {@code --pcap}, which is a standard one. */
    static List<Arg<?>> args() { return LinkArgs.ALL; }

    /** {@code link} wrapped in a pcap writer if {@code --pcap} was given. */
    static Link pcap(Link link, Boot boot) throws BootException {
        String file = boot.arg(StandardArgs.PCAP);
        if (file == null) return link;
        try {
            return new PcapWriter(link, Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new BootException(BootException.OSERR, "--pcap: cannot write " + file + ": " + e.getMessage()
                    + " (check that the directory exists and is writable)");
        }
    }

    /** The faults {@code --link-*} ask for ({@link Faults#NONE} when none). */
    static Faults faults(Boot boot) { return LinkArgs.faults(boot); }
}
