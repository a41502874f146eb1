package io.morgana.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Create ./NAME, a ready-to-build appliance project with a test.")
final class NewCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "lower-case words joined by '-', e.g. demo or my-service")
    String name;

    @Override public Integer call() throws ToolException {
        Path dir = Path.of(name).toAbsolutePath().normalize();
        Map<String, String> files = Template.files(name, Home.current().version());
        if (Files.exists(dir)) {
            throw new ToolException(ToolException.CANT_CREATE, dir + " already exists; choose another NAME or remove it.");
        }
        try {
            for (var f : files.entrySet()) {
                Path p = dir.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ToolException(ToolException.CANT_CREATE, "cannot create " + dir + ": " + e.getMessage());
        }
        Progress.stderr().say("created " + dir + " (" + Template.className(name) + ")");
        System.out.println("Next: morgana run " + name + " -- --port=9000     then: nc 127.0.0.1 9000");
        return 0;
    }
}
