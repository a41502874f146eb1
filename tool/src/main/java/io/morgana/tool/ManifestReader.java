package io.morgana.tool;

import io.morgana.api.Manifest;
import io.morgana.runtime.BootException;
import io.morgana.runtime.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an appliance's {@link Manifest} without booting it: loads the built classes in a class
 * loader of their own (the API shared with the tool) and asks the runtime to find and read the
 * appliance exactly as boot does, so the tool and boot agree on what is an error.
 */
final class ManifestReader {

    private ManifestReader() {}

    static Manifest read(ApplianceProject project, List<Path> classpath) throws ToolException {
        List<URL> urls = new ArrayList<>();
        try {
            for (Path p : classpath) urls.add(p.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        try (URLClassLoader loader = new URLClassLoader("appliance", urls.toArray(URL[]::new), ManifestReader.class.getClassLoader())) {
            return Main.manifest(Main.appliance(loader));
        } catch (BootException e) {
            throw new ToolException(e.exitStatus(), project + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
