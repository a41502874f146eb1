package io.morgana.tool;

import io.morgana.api.Manifest;
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
        return new Session(home, target, project, cp, manifest, progress);
    }

    Packager.Packing packing() {
        return new Packager.Packing(home, project, manifest, target, classpath, project.dist(target.name()), progress);
    }
}
