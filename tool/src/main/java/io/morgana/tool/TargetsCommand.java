package io.morgana.tool;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "targets", mixinStandardHelpOptions = true,
        description = "List the targets: whether each exists yet and what it needs on the host.")
final class TargetsCommand implements Callable<Integer> {

    @Override public Integer call() {
        System.out.println(render(Targets.load()));
        return 0;
    }

    static String render(Targets targets) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-6s %-14s %s%n", "TARGET", "STATUS", "WHAT IT IS / WHAT IT NEEDS ON THE HOST"));
        for (Targets.Info t : targets.all()) {
            b.append(String.format(Locale.ROOT, "%-6s %-14s %s%n", t.name(), t.status(), t.summary()));
            b.append(String.format(Locale.ROOT, "%-6s %-14s needs: %s%n", "", "", t.requirements()));
        }
        b.append("\nRun on one with: morgana run -t TARGET DIR -- BOOT_ARGS");
        return b.toString();
    }
}
