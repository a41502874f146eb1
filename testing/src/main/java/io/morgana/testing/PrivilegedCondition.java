package io.morgana.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link Privileged}: run, skip with a reason, or (under CI) fail. */
public final class PrivilegedCondition implements ExecutionCondition {

    /** Environment variable that turns a skip into a failure. */
    public static final String REQUIRE = "MORGANA_REQUIRE_PRIVILEGED";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Privileged> p = context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, Privileged.class));
        if (p.isEmpty()) p = context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, Privileged.class));
        if (p.isEmpty()) return ConditionEvaluationResult.enabled("not privileged");
        List<String> missing = missing(p.get().tools());
        if (missing.isEmpty()) return ConditionEvaluationResult.enabled("root, /dev/net/tun and tools present");
        String reason = "needs " + String.join(", ", missing);
        if ("1".equals(System.getenv(REQUIRE))) {
            throw new IllegalStateException(reason + " — and " + REQUIRE + "=1 forbids skipping (CI must provide them: "
                    + "run as root with /dev/net/tun; .ci/run installs the packages)");
        }
        return ConditionEvaluationResult.disabled(reason + " (skipped; set " + REQUIRE + "=1 to make this a failure)");
    }

    /** What the current process lacks of root, /dev/net/tun, `ip netns` and the given tools. */
    public static List<String> missing(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) missing.add("root (uid 0)");
        if (!Files.isReadable(Path.of("/dev/net/tun"))) missing.add("/dev/net/tun");
        if (which("ip").isEmpty()) missing.add("the 'ip' command (iproute2)");
        for (String t : tools) if (which(t).isEmpty()) missing.add("the '" + t + "' command");
        return missing;
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[1].equals("0");
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    public static Optional<Path> which(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
