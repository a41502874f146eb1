package io.morgana.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code spt}: the packing itself (jdeps, jlink, AOT cache, archive) belongs to the spt target,
 * so this hands over to it. The contract with {@code targets/spt}:
 *
 * <pre>
 *   java -cp TARGET_CLASSPATH io.morgana.target.spt.Pack NAME OUT APPLIANCE_CLASSPATH
 * </pre>
 *
 * where {@code APPLIANCE_CLASSPATH} is the appliance's jar and its dependencies joined by ':',
 * writes everything under {@code OUT} (= {@code DIR/dist/spt}), prints progress lines, exits 0 on
 * success and otherwise with a message saying what to do; {@code OUT/bin/NAME BOOT_ARGS…} then runs
 * the sealed appliance.
 */
final class SptPackager implements Packager {

    static final String PACK_MAIN = "io.morgana.target.spt.Pack";

    @Override
    public void pack(Packing p) throws ToolException {
        List<Path> toolSide = p.home().targetClasspath("spt");
        List<String> cmd = new ArrayList<>(List.of(p.home().java().toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                toolSide.stream().map(Path::toString).collect(Collectors.joining(":")), PACK_MAIN,
                p.manifest().name(), p.out().toString(),
                p.applianceClasspath().stream().map(Path::toString).collect(Collectors.joining(":"))));
        try {
            Files.createDirectories(p.out());
            int status = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (status != 0) {
                throw new ToolException(status == 1 ? ToolException.SOFTWARE : status,
                        "the spt packer failed (exit " + status + "); its messages are above.");
            }
        } catch (IOException e) {
            throw new ToolException(ToolException.SOFTWARE, "cannot start the spt packer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ToolException.SOFTWARE, "interrupted while packing for spt");
        }
    }

    @Override
    public List<String> command(Packing p, List<String> bootArgs) throws ToolException {
        Path launcher = p.out().resolve("bin").resolve(p.manifest().name());
        if (!Files.isExecutable(launcher)) {
            throw new ToolException(ToolException.NO_INPUT, "the spt packer wrote no launcher " + launcher
                    + "; run 'morgana build -t spt " + p.project().dir() + "' and read its messages.");
        }
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(bootArgs);
        return cmd;
    }
}
