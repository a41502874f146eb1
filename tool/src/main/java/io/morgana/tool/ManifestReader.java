package io.morgana.tool;

import io.morgana.api.Appliance;
import io.morgana.api.Manifest;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Reads an appliance's {@link Manifest} without booting it: loads the built classes in a class
 * loader of their own (the API shared with the tool) and calls {@link Appliance#manifest()}.
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
            List<Appliance> found = new ArrayList<>();
            var it = ServiceLoader.load(Appliance.class, loader).iterator();
            try {
                while (it.hasNext()) found.add(it.next());
            } catch (ServiceConfigurationError e) {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                throw new ToolException(ToolException.CONFIG, "cannot create the appliance " + project.applianceClass() + ": "
                        + c + ". It needs a public no-argument constructor that only builds the manifest.");
            }
            if (found.isEmpty()) {
                throw new ToolException(ToolException.NO_INPUT, project + " built, but no io.morgana.api.Appliance was found in it; "
                        + "check " + ApplianceProject.SERVICE + " names a class that implements it.");
            }
            try {
                Manifest m = found.get(0).manifest();
                if (m == null) throw new NullPointerException("manifest() returned null");
                return m;
            } catch (RuntimeException | LinkageError e) {
                throw new ToolException(ToolException.CONFIG, "the appliance's manifest() failed: " + e
                        + ". Fix " + project.applianceClass() + ".manifest(); it must only build the declaration.");
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
