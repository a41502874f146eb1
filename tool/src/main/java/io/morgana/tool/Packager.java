package io.morgana.tool;

import io.morgana.api.Manifest;
import java.nio.file.Path;
import java.util.List;

/**
 * How one target packs an appliance ({@code morgana build -t TARGET DIR}) under
 * {@code DIR/dist/TARGET/}, and the command that runs what it packed ({@code morgana run}).
 * One per target; {@link #forTarget} picks it.
 */
public interface Packager {

    /** Everything a packager gets: the built appliance, its manifest, the target and where to write. */
    record Packing(Home home, ApplianceProject project, Manifest manifest, Targets.Info target,
                   List<Path> applianceClasspath, Path out, Progress progress) {}

    /** Writes the target's artefacts under {@link Packing#out()}; cheap when nothing changed. */
    void pack(Packing packing) throws ToolException;

    /** The command (program and arguments) that runs the packed appliance with these boot arguments. */
    List<String> command(Packing packing, List<String> bootArgs) throws ToolException;

    static Packager forTarget(String target) {
        return switch (target) {
            case "spt" -> new SptPackager();
            default -> new JarPackager();
        };
    }
}
