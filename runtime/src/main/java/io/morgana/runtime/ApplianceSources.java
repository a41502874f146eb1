package io.morgana.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks that an appliance's sources can run unchanged on every target: they reach the host only
 * through the device API, so they import neither host facilities a sealed or own-stack target
 * lacks ({@code java.net} sockets and addresses, {@code java.nio.file}, {@code java.nio.channels},
 * {@code java.io.File*}) nor Morgana's runtime, targets, drivers or store backends
 * ({@code io.morgana.runtime}, {@code .target}, {@code .net}, {@code .kv}). The device API, protocol
 * libraries ({@code io.morgana.http}, {@code .dns}) and the rest of the JDK are fine, as are
 * the exception types of those packages (the API throws some, e.g. {@code SocketTimeoutException}) and {@code URI}/{@code URLEncoder}/{@code
 * URLDecoder} (pure text). Used by the examples' tests; a build step can use it too.
 */
public final class ApplianceSources {
    private ApplianceSources() {}

    private static final Pattern DENIED = Pattern.compile("import (static )?("
            + "java\\.(net|nio\\.file|nio\\.channels)\\.(?!\\w*Exception\\b|URI\\b|URLEncoder\\b|URLDecoder\\b)|java\\.io\\.File\\w*"
            + "|io\\.morgana\\.(runtime|target|net|kv)\\b).*");

    /** Every import under {@code sourceRoot} that ties the appliance to a host, as {@code file: import line}. */
    public static List<String> violations(Path sourceRoot) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    String l = line.strip();
                    if (DENIED.matcher(l).matches()) out.add(sourceRoot.relativize(f) + ": " + l);
                }
            }
        }
        return out;
    }
}
