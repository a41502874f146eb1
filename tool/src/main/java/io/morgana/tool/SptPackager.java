package io.morgana.tool;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code spt}: the packing itself (jdeps, jlink, AOT cache, reproducible archive) belongs to the
 * spt target, so this hands over to its library entry point
 *
 * <pre>
 *   io.morgana.target.spt.SptPackager.build(Path applianceDir, List&lt;Path&gt; jars, Path outDir,
 *                                           Consumer&lt;String&gt; progress) → Result(…, Path launcher, …)
 * </pre>
 *
 * with every jar the appliance needs (its own, the runtime, the spt target) and
 * {@code outDir = DIR/dist/spt}. It is looked up by name so that the tool builds and runs the
 * other targets while the spt module is still on its way; a checkout without it says so. The
 * image is rebuilt only when a jar changed (jlink and the AOT training run take a while).
 */
final class SptPackager implements Packager {

    static final String ENTRY = "io.morgana.target.spt.SptPackager";

    @Override
    public void pack(Packing p) throws ToolException {
        List<Path> jars = new ArrayList<>(JarPackager.jars(p).values());
        String stamp = stamp(jars);
        Path stampFile = p.out().resolve(".morgana-stamp");
        try {
            if (Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp) && Files.isExecutable(launcher(p))) {
                return;
            }
        } catch (IOException | ToolException e) {
            // rebuild
        }
        Method build;
        try {
            build = Class.forName(ENTRY).getMethod("build", Path.class, List.class, Path.class, Consumer.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ToolException(ToolException.UNAVAILABLE, "this build of Morgana has no spt packager (" + ENTRY
                    + " is not in targets/spt yet). Use -t unix or -t tap, or update Morgana.");
        }
        try {
            Files.createDirectories(p.out());
            Consumer<String> progress = p.progress()::say;
            Object result = build.invoke(null, p.project().dir(), jars, p.out(), progress);
            Path launcher = (Path) result.getClass().getMethod("launcher").invoke(result);
            Files.writeString(p.out().resolve(".launcher"), launcher.toString(), StandardCharsets.UTF_8);
            Files.writeString(stampFile, stamp, StandardCharsets.UTF_8);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw new ToolException(ToolException.SOFTWARE, "packing for spt failed: " + c.getMessage(), c);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ToolException(ToolException.SOFTWARE, ENTRY + ".build does not have the shape the tool expects: " + e);
        } catch (IOException e) {
            throw new ToolException(ToolException.CANT_CREATE, "cannot write " + p.out() + ": " + e.getMessage());
        }
    }

    private static String stamp(List<Path> jars) throws ToolException {
        StringBuilder b = new StringBuilder();
        try {
            for (Path j : jars) b.append(j).append(' ').append(Files.size(j)).append(' ').append(Files.getLastModifiedTime(j).toMillis()).append('\n');
        } catch (IOException e) {
            throw new ToolException(ToolException.SOFTWARE, "a jar of the class path is missing: " + e.getMessage()
                    + ". Run the command again through bin/morgana (it rebuilds Morgana when needed).");
        }
        return b.toString();
    }

    @Override
    public Path launcher(Packing p) throws ToolException {
        try {
            return Path.of(Files.readString(p.out().resolve(".launcher"), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new ToolException(ToolException.NO_INPUT, p.out() + " holds no spt image; run 'morgana build -t spt "
                    + p.project() + "' first.");
        }
    }

    @Override
    public List<String> command(Packing p, List<String> bootArgs) throws ToolException {
        Path launcher = launcher(p);
        if (!Files.isExecutable(launcher)) {
            throw new ToolException(ToolException.NO_INPUT, "the spt image's launcher " + launcher + " is missing; run 'morgana build -t spt "
                    + p.project() + "' again.");
        }
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(bootArgs);
        return cmd;
    }
}
