package io.morgana.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * A device an appliance declares it needs. The target provides it at boot, or refuses to boot
 * with a message that names the device and the target. Clocks, sleep, randomness and logging are
 * always there and need no declaration.
 *
 * @param kind    what sort of device
 * @param name    the appliance's name for it, unique per kind ({@code "htdocs"})
 * @param doc     one line for {@code describe}
 * @param options how the device may be backed, as the runtime documents (e.g. for a key-value
 *                store, which boot arguments select a host directory or a tar archive, and the
 *                name of the content packed into the appliance at build time)
 */
public record Device(Kind kind, String name, String doc, Map<String, String> options) {

    public enum Kind {
        /** A network stack: {@link Stack}. */
        STACK,
        /** A read-only key-value store: {@link KvRo}. */
        KV_RO,
        /** A read-write key-value store: {@link KvRw}. */
        KV_RW,
        /** A block device: {@link Block}. */
        BLOCK
    }

    public Device {
        options = Map.copyOf(options);
        if (!Names.isWord(name)) {
            throw new IllegalArgumentException("device names are lower-case words joined by '-', not '" + name + "'");
        }
    }

    public static Device stack() { return new Device(Kind.STACK, "net", "the network stack", Map.of()); }

    public static Device kvRo(String name, String doc) { return new Device(Kind.KV_RO, name, doc, Map.of()); }

    public static Device kvRw(String name, String doc) { return new Device(Kind.KV_RW, name, doc, Map.of()); }

    public static Device block(String name, String doc) { return new Device(Kind.BLOCK, name, doc, Map.of()); }

    /** The same device with one more backing option. */
    public Device with(String option, String value) {
        Map<String, String> m = new TreeMap<>(options);
        m.put(option, value);
        return new Device(kind, name, doc, m);
    }
}
