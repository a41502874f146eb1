package io.morgana.example.website;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test-only: runs host tools (curl, wget, wrk) and collects what they print. */
final class Tools {
    private Tools() {}

    record Result(int exit, String stdout, String stderr) {}

    static Result run(Path dir, List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("h6-out", ".txt");
        Path err = Files.createTempFile("h6-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
