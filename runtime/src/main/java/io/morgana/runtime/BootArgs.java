package io.morgana.runtime;

import io.morgana.api.Arg;
import io.morgana.api.Device;
import io.morgana.api.FileContents;
import io.morgana.api.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Boot arguments: which exist for an appliance on a target ({@link #declared}), parsing a command
 * line against them ({@link #parse}, pure: no I/O), reading {@link Arg#file} values
 * ({@link #loadFiles}) and {@code --help} text ({@link #help}). The CLI's {@code describe} uses the
 * same methods, so what it lists is what boot accepts.
 *
 * <p>Accepted forms: {@code --name=value}, {@code --name value}, {@code --flag},
 * {@code --flag=false}, {@code -l SPEC} (short for {@code --logs}), {@code -h} (short for
 * {@code --help}). A repeatable argument may be given many times; any other only once.
 */
public final class BootArgs {

    /** Largest file an {@link Arg#file} argument may name: such files are read into memory at boot. */
    public static final int MAX_FILE_BYTES = 16 << 20;

    private final Map<String, Arg<?>> declared;
    private final Map<String, Object> values;
    private final Set<String> given;

    private BootArgs(Map<String, Arg<?>> declared, Map<String, Object> values, Set<String> given) {
        this.declared = declared;
        this.values = values;
        this.given = given;
    }

    /**
     * Every argument an appliance takes on a target, in help order: {@link StandardArgs#ALL}, the
     * target's, one per storage device (see {@link #deviceArgs}), then the appliance's own.
     *
     * @param target null to leave out target-specific arguments (e.g. {@code describe} without {@code -t})
     * @throws BootException (CONFIG) if two of them share a name
     */
    public static List<Arg<?>> declared(Target target, Manifest manifest) throws BootException {
        List<Arg<?>> all = new ArrayList<>(StandardArgs.ALL);
        if (target != null) all.addAll(target.args());
        all.addAll(deviceArgs(manifest));
        all.addAll(manifest.args());
        Set<String> seen = new HashSet<>();
        for (Arg<?> a : all) {
            if (!seen.add(a.name())) {
                throw new BootException(BootException.CONFIG, "appliance '" + manifest.name() + "' declares --" + a.name()
                        + ", which the runtime" + (target == null ? "" : " or target " + target.name())
                        + " already defines (standard arguments, device names): rename it in the manifest");
            }
        }
        return all;
    }

    /**
     * The arguments the runtime adds for storage devices: {@code --N=PATH} for a read-only store N
     * (host directory or .tar/.tar.gz archive; default: content packed into the appliance), plus the
     * argument named by the device option {@code tar-arg} if any; {@code --N=DIR} for a read-write
     * store (default: in memory); {@code --N=FILE}, required, for a block device.
     */
    public static List<Arg<?>> deviceArgs(Manifest manifest) {
        List<Arg<?>> out = new ArrayList<>();
        for (Device d : manifest.devices()) {
            switch (d.kind()) {
                case KV_RO -> {
                    out.add(Arg.string(d.name(), null, "host directory or .tar/.tar.gz archive for the read-only store '"
                            + d.name() + "' (" + d.doc() + "); default: the files packed into the appliance")
                            .inGroup(Arg.Group.STORAGE).metavar("PATH"));
                    String tar = d.options().get("tar-arg");
                    if (tar != null && !tar.equals(d.name())) {
                        out.add(Arg.string(tar, null, ".tar or .tar.gz archive for the store '" + d.name() + "'")
                                .inGroup(Arg.Group.STORAGE).metavar("FILE"));
                    }
                }
                case KV_RW -> out.add(Arg.string(d.name(), null, "host directory for the read-write store '" + d.name()
                        + "' (" + d.doc() + "); default: in memory, lost at exit").inGroup(Arg.Group.STORAGE).metavar("DIR"));
                case BLOCK -> out.add(Arg.string(d.name(), null, "host file backing the block device '" + d.name()
                        + "' (" + d.doc() + ")").inGroup(Arg.Group.STORAGE).metavar("FILE").required());
                case STACK -> { }
            }
        }
        return out;
    }

    /**
     * Parses {@code argv} against {@code declared}. Pure: {@link Arg#file} values hold only their
     * path until {@link #loadFiles}.
     *
     * @throws BootException with status {@link BootException#USAGE} naming the argument and the
     *     accepted form, for an unknown, malformed, repeated or missing required argument
     */
    public static BootArgs parse(List<Arg<?>> declared, String... argv) throws BootException {
        Map<String, Arg<?>> byName = new LinkedHashMap<>();
        for (Arg<?> a : declared) byName.put(a.name(), a);
        Map<String, Object> values = new HashMap<>();
        Set<String> given = new HashSet<>();
        for (int i = 0; i < argv.length; i++) {
            String word = argv[i];
            String name;
            String value = null;
            if (word.equals("-l") || word.startsWith("-l=")) {
                name = "logs";
                if (word.length() > 2) value = word.substring(3);
            } else if (word.equals("-h")) {
                name = "help";
            } else if (word.startsWith("--") && word.length() > 2) {
                int eq = word.indexOf('=');
                name = eq < 0 ? word.substring(2) : word.substring(2, eq);
                if (eq >= 0) value = word.substring(eq + 1);
            } else {
                throw usage("unexpected '" + word + "': boot arguments have the form --name=value (see --help)");
            }
            Arg<?> arg = byName.get(name);
            if (arg == null) throw usage("unknown argument --" + name + suggestion(name, byName.keySet()) + " (see --help)");
            if (value == null && !arg.isFlag()) {
                if (i + 1 >= argv.length) throw usage("--" + name + " needs a value (" + arg.usage() + ")");
                value = argv[++i];
            }
            if (value == null) value = "";
            Object v;
            try {
                v = arg.parse(value);
            } catch (IllegalArgumentException e) {
                throw usage("--" + name + ": " + e.getMessage() + " [" + arg.usage() + "]");
            }
            if (!given.add(name)) {
                if (!arg.isRepeatable()) throw usage("--" + name + " is given twice (it takes one value: " + arg.usage() + ")");
                List<Object> joined = new ArrayList<>((Collection<?>) values.get(name));
                joined.addAll((Collection<?>) v);
                v = List.copyOf(joined);
            }
            values.put(name, v);
        }
        for (Arg<?> a : declared) {
            if (a.isRequired() && !given.contains(a.name())) {
                throw usage("missing required argument " + a.usage() + ": " + a.doc());
            }
        }
        return new BootArgs(byName, values, given);
    }

    /** Whether the command line asks for help ({@code --help}, {@code -h}): checked before a full parse. */
    public static boolean wantsHelp(String... argv) {
        for (String a : argv) if (a.equals("--help") || a.equals("-h") || a.equals("--help=true")) return true;
        return false;
    }

    /** Whether the command line asks for the version. */
    public static boolean wantsVersion(String... argv) {
        for (String a : argv) if (a.equals("--version") || a.equals("--version=true")) return true;
        return false;
    }

    /** The value of {@code arg}: as given, else its default. */
    @SuppressWarnings("unchecked")
    public <T> T get(Arg<T> arg) {
        if (!declared.containsKey(arg.name())) throw new IllegalStateException("argument --" + arg.name() + " is not declared");
        return values.containsKey(arg.name()) ? (T) values.get(arg.name()) : arg.defaultValue();
    }

    public boolean given(Arg<?> arg) { return given.contains(arg.name()); }

    /** The value of the argument called {@code name} (as given, else its default); null if it has none. */
    public Object value(String name) {
        Arg<?> a = declared.get(name);
        if (a == null) throw new IllegalStateException("argument --" + name + " is not declared");
        return values.containsKey(name) ? values.get(name) : a.defaultValue();
    }

    /** Whether any argument of these names was given. */
    public boolean given(String name) { return given.contains(name); }

    /**
     * Reads the host file behind every given {@link Arg#file} argument (at most
     * {@link #MAX_FILE_BYTES} each).
     *
     * @throws BootException (USAGE) naming the argument and the file if one cannot be read
     */
    public void loadFiles() throws BootException {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getValue() instanceof FileContents fc && !fc.loaded()) {
                e.setValue(load(e.getKey(), fc));
            } else if (e.getValue() instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof FileContents) {
                List<Object> loaded = new ArrayList<>();
                for (Object o : list) loaded.add(o instanceof FileContents fc && !fc.loaded() ? load(e.getKey(), fc) : o);
                e.setValue(List.copyOf(loaded));
            }
        }
    }

    private static FileContents load(String name, FileContents fc) throws BootException {
        Path p = Path.of(fc.path());
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(MAX_FILE_BYTES + 1);
            if (b.length > MAX_FILE_BYTES) {
                throw usage("--" + name + ": '" + fc.path() + "' is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
            }
            return new FileContents(fc.path(), b);
        } catch (java.nio.file.NoSuchFileException e) {
            throw usage("--" + name + ": no such file '" + fc.path() + "'");
        } catch (java.nio.file.AccessDeniedException e) {
            throw usage("--" + name + ": cannot read '" + fc.path() + "' (permission denied)");
        } catch (IOException e) {
            throw usage("--" + name + ": cannot read '" + fc.path() + "': " + e.getMessage());
        }
    }

    /** {@code --help} text: the arguments grouped (network, storage, logging, runtime, appliance). */
    public static String help(Manifest manifest, String target, List<Arg<?>> declared) {
        StringBuilder sb = new StringBuilder();
        sb.append(manifest.name());
        if (!manifest.summary().isEmpty()) sb.append(" — ").append(manifest.summary());
        sb.append("\n\nBoot arguments").append(target == null ? "" : " (target " + target + ")").append(":\n");
        for (Arg.Group g : List.of(Arg.Group.NETWORK, Arg.Group.STORAGE, Arg.Group.LOGGING, Arg.Group.RUNTIME, Arg.Group.APPLIANCE)) {
            List<Arg<?>> in = declared.stream().filter(a -> a.group() == g).toList();
            if (in.isEmpty()) continue;
            sb.append('\n').append(g.name().charAt(0)).append(g.name().substring(1).toLowerCase(java.util.Locale.ROOT)).append(":\n");
            for (Arg<?> a : in) {
                String u = "  " + (a.name().equals("logs") ? "-l, " : a.name().equals("help") ? "-h, " : "") + a.usage();
                sb.append(u);
                sb.append(" ".repeat(Math.max(2, 32 - u.length())));
                sb.append(a.doc());
                if (a.isRequired()) sb.append(" (required)");
                else if (a.defaultValue() != null && !a.isFlag() && !(a.defaultValue() instanceof List<?> l && l.isEmpty())) {
                    sb.append(" (default: ").append(show(a.defaultValue())).append(')');
                }
                if (a.isRepeatable()) sb.append(" (repeatable)");
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * A default as a user would type it, in {@code --help} and {@code morgana describe}: durations
     * as {@code 5s}, {@code 500ms}, {@code 50us}.
     */
    public static String show(Object value) {
        if (value instanceof java.time.Duration d) {
            if (d.isZero()) return "0s";
            if (d.toNanosPart() % 1000 != 0) return d.toNanos() + "ns";
            if (d.toNanosPart() % 1_000_000 != 0) return d.toNanos() / 1000 + "us";
            long ms = d.toMillis();
            if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
            if (ms % 60_000 == 0) return ms / 60_000 + "m";
            if (ms % 1000 == 0) return ms / 1000 + "s";
            return ms + "ms";
        }
        return String.valueOf(value);
    }

    private static String suggestion(String name, Set<String> known) {
        String best = null;
        int bestD = 3;
        for (String k : known) {
            int d = distance(name, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best == null ? "" : " (did you mean --" + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static BootException usage(String message) {
        return new BootException(BootException.USAGE, message);
    }
}
