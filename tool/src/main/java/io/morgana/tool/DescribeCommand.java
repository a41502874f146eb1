package io.morgana.tool;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show an appliance's name, devices and boot arguments (the appliance's, the target's and the standard ones).")
final class DescribeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "the appliance project") Path dir;

    @Option(names = {"-t", "--target"}, defaultValue = "unix", paramLabel = "TARGET",
            description = "show this target's arguments and whether it provides the devices (default: ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--dot", description = "print a Graphviz graph instead (e.g. | dot -Tsvg > echo.svg)") boolean dot;

    @Override public Integer call() throws ToolException {
        Session s = Session.open(target, dir, false);
        String cls = s.project().applianceClass();
        System.out.print(dot ? Describer.dot(s.manifest(), cls, s.target()) : Describer.text(s.manifest(), cls, s.target()));
        System.out.flush();
        return 0;
    }
}
