package io.morgana.tool;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code morgana} command. bin/morgana builds Morgana when needed, then runs this. */
@Command(name = "morgana", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Build, describe and run Morgana appliances.%n"
                + "An appliance is written once against io.morgana.api; the target it runs on is chosen here, last.",
        subcommands = {NewCommand.class, BuildCommand.class, RunCommand.class, DescribeCommand.class, TargetsCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  morgana run examples/echo -- --port=7000",
                "  morgana describe examples/echo",
                "  morgana new demo && morgana run demo"})
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: " + commands(spec.commandLine()));
    }

    static String commands(CommandLine root) {
        return String.join(", ", root.getSubcommands().keySet().stream().filter(c -> !c.equals("help")).toList());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the tool on {@code args} and returns the exit status (tests call this in-process). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ToolException t) {
                line.getErr().println("morgana: " + t.getMessage());
                line.getErr().flush();
                return t.exitStatus();
            }
            throw e;
        });
        cl.setParameterExceptionHandler((e, args2) -> {
            PrintWriter err = e.getCommandLine().getErr();
            String hint = e.getMessage();
            CommandLine root = e.getCommandLine().getParent() == null ? e.getCommandLine() : null;
            if (root != null && e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().getFirst().startsWith("-")) {
                hint = "unknown command '" + u.getUnmatched().getFirst() + "'; the commands are " + commands(root);
            }
            if (e instanceof CommandLine.UnmatchedArgumentException u && "run".equals(e.getCommandLine().getCommandName())
                    && u.getUnmatched().stream().anyMatch(s -> s.startsWith("-"))) {
                hint += "\n  Boot arguments for the appliance go after '--': morgana run DIR -- --port=7000";
            }
            err.println("morgana: " + hint);
            err.println("  Usage: " + e.getCommandLine().getHelp().synopsis(0).strip()
                    + "   (morgana " + (e.getCommandLine().getParent() == null ? "" : e.getCommandLine().getCommandName() + " ") + "--help)");
            err.flush();
            return ToolException.USAGE;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            Home h = Home.current();
            return new String[] {
                "morgana " + h.version(),
                "  java   " + Runtime.version() + " (" + System.getProperty("java.home") + ")",
                "  home   " + h.root(),
            };
        }
    }
}
