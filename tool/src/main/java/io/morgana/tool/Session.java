package io.morgana.tool;

import io.morgana.api.Manifest;
import io.morgana.runtime.BootArgs;
import io.morgana.runtime.BootException;
import java.nio.file.Path;
import java.util.List;

/** What build, run and describe share: the target checked, the appliance found, built and read. */
record Session(Home home, Targets.Info target, ApplianceProject project, List<Path> classpath, Manifest manifest, Progress progress) {

    /**
     * @param mustExist whether the target must be built (run, build) or may merely be known (describe)
     */
    static Session open(String targetName, Path dir, boolean mustExist) throws ToolException {
        Targets targets = Targets.load();
        Targets.Info target = mustExist ? targets.usable(targetName) : targets.named(targetName);
        ApplianceProject project = ApplianceProject.open(dir);
        Home home = Home.current();
        Progress progress = Progress.stderr();
        List<Path> cp = project.build(home, progress);
        Manifest manifest = ManifestReader.read(project, cp);
        try {
            BootArgs.declared(target.target().orElse(null), manifest); // a clash of names is the appliance's error
        } catch (BootException e) {
            throw new ToolException(e.exitStatus(), project + ": " + e.getMessage());
        }
        return new Session(home, target, project, cp, manifest, progress);
    }

    Packager.Packing packing() {
        return new Packager.Packing(home, project, manifest, target, classpath, project.dist(target.name()), progress);
    }
}
