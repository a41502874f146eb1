package io.morgana.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Build an appliance if its sources changed, then run it on a target (default unix).%n"
                + "Boot arguments go after '--'; 'morgana run DIR -- --help' lists them.")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-t", "--target"}, defaultValue = "unix", paramLabel = "TARGET",
            description = "where to run: unix, tap, spt… (default: ${DEFAULT-VALUE}; see 'morgana targets')")
    String target;

    @Parameters(index = "0", paramLabel = "DIR", description = "the appliance project") Path dir;

    @Parameters(index = "1..*", paramLabel = "BOOT_ARGS", description = "the appliance's boot arguments (after '--')")
    List<String> bootArgs = new ArrayList<>();

    @Override public Integer call() throws ToolException {
        Session s = Session.open(target, dir, true);
        Targets.checkDevices(s.manifest(), s.target());
        Packager packager = Packager.forTarget(target);
        Packager.Packing p = s.packing();
        packager.pack(p);
        List<String> cmd = packager.command(p, bootArgs);
        s.progress().say("running " + s.manifest().name() + " on " + target
                + (bootArgs.isEmpty() ? "" : " with " + String.join(" ", bootArgs)) + " (stop: Ctrl-C)");
        return launch(cmd);
    }

    /**
     * Under bin/morgana ({@code MORGANA_EXEC_FILE} set), hands the command to the script, which
     * {@code exec}s it: the appliance then gets signals directly and its exit status is ours.
     * Otherwise runs it as a child and passes its exit status on.
     */
    static int launch(List<String> cmd) throws ToolException {
        String execFile = System.getenv("MORGANA_EXEC_FILE");
        if (execFile != null && !execFile.isBlank()) {
            StringBuilder b = new StringBuilder();
            for (String c : cmd) b.append(c).append('\0');
            try {
                Files.writeString(Path.of(execFile), b, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ToolException(ToolException.CANT_CREATE, "cannot write " + execFile + ": " + e.getMessage());
            }
            return 0;
        }
        try {
            Process proc = new ProcessBuilder(cmd).inheritIO().start();
            Thread stopper = new Thread(proc::destroy);
            Runtime.getRuntime().addShutdownHook(stopper);
            int status = proc.waitFor();
            Runtime.getRuntime().removeShutdownHook(stopper);
            return status;
        } catch (IOException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "cannot start " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
