package io.morgana.tool;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build an appliance for a target: artefacts under DIR/dist/TARGET/ (lib/*.jar and bin/NAME, a launcher).")
final class BuildCommand implements Callable<Integer> {

    @Option(names = {"-t", "--target"}, required = true, paramLabel = "TARGET", description = "unix, tap, spt… (see 'morgana targets')")
    String target;

    @Parameters(index = "0", paramLabel = "DIR", description = "the appliance project") Path dir;

    @Override public Integer call() throws ToolException {
        Session s = Session.open(target, dir, true);
        Targets.checkDevices(s.manifest(), s.target());
        Packager.Packing p = s.packing();
        Progress.Step step = s.progress().step("packing " + s.manifest().name() + " for " + target + " into " + p.out());
        Packager.forTarget(target).pack(p);
        step.done();
        System.out.println(p.out().resolve("bin").resolve(s.manifest().name()));
        return 0;
    }
}
