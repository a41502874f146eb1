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
        String indent = " ".repeat(22);
        for (Targets.Info t : targets.all()) {
            b.append(String.format(Locale.ROOT, "%-6s %-14s ", t.name(), t.status())).append(wrap(t.summary(), indent)).append('\n');
            b.append(indent).append(wrap("needs: " + t.requirements(), indent + "  ")).append('\n');
        }
        b.append("\nRun on one with: morgana run -t TARGET DIR -- BOOT_ARGS");
        return b.toString();
    }

    /** Breaks {@code text} at spaces so that lines stay within 100 columns, continuing with {@code indent}. */
    static String wrap(String text, String indent) {
        StringBuilder b = new StringBuilder();
        int col = indent.length();
        for (String w : text.split(" ")) {
            if (col > indent.length() && col + 1 + w.length() > 100) {
                b.append('\n').append(indent);
                col = indent.length();
            } else if (col > indent.length()) {
                b.append(' ');
                col++;
            }
            b.append(w);
            col += w.length();
        }
        return b.toString();
    }
}
