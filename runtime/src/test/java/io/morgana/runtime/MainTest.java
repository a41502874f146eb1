package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Appliance;
import io.morgana.api.Context;
import io.morgana.api.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process entry point's error paths (those that end before an appliance would run). */
class MainTest {

    public static final class One implements Appliance {
        @Override public Manifest manifest() { return Manifest.builder("one").build(); }
        @Override public void run(Context c) { }
    }

    public static final class Two implements Appliance {
        @Override public Manifest manifest() { return Manifest.builder("two").build(); }
        @Override public void run(Context c) { }
    }

    static ClassLoader withServices(Path dir, String... classes) throws Exception {
        Path f = dir.resolve("META-INF/services/io.morgana.api.Appliance");
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", classes) + "\n");
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, MainTest.class.getClassLoader());
    }

    @Test void noApplianceIsAConfigError() {
        BootException e = assertThrows(BootException.class, () -> Main.appliance(MainTest.class.getClassLoader()));
        assertEquals(BootException.CONFIG, e.exitStatus());
        assertTrue(e.getMessage().startsWith("no appliance on the class path"), e.getMessage());
    }

    @Test void twoAppliancesAreAConfigErrorNamingBoth(@TempDir Path dir) throws Exception {
        ClassLoader l = withServices(dir, One.class.getName(), Two.class.getName());
        BootException e = assertThrows(BootException.class, () -> Main.appliance(l));
        assertEquals(BootException.CONFIG, e.exitStatus());
        assertTrue(e.getMessage().contains(One.class.getName()) && e.getMessage().contains(Two.class.getName()), e.getMessage());
        assertEquals(One.class, Main.appliance(withServices(dir.resolve("x"), One.class.getName())).getClass());
    }

    @Test void anApplianceThatCannotBeCreatedIsAConfigError(@TempDir Path dir) throws Exception {
        ClassLoader l = withServices(dir, "no.such.Appliance");
        BootException e = assertThrows(BootException.class, () -> Main.appliance(l));
        assertEquals(BootException.CONFIG, e.exitStatus());
    }

    /** A packed launcher names the providers the build found; boot creates exactly those, for the JVM's own class path. */
    @Test void packedProvidersAreCreatedByName(@TempDir Path dir) throws Exception {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        var found = Main.providers(Appliance.class, " " + Two.class.getName() + ", " + One.class.getName() + ",", system);
        assertEquals(java.util.List.of(Two.class, One.class), found.stream().map(Object::getClass).toList());
        // another loader (the tool reading a project) scans its own class path, whatever the property says
        ClassLoader l = withServices(dir, One.class.getName());
        assertEquals(java.util.List.of(One.class), Main.providers(Appliance.class, Two.class.getName(), l).stream().map(Object::getClass).toList());
        // no property: the system class path is scanned (this module's tests declare only the test target)
        assertEquals(java.util.List.of("test"), Main.providers(Target.class, null, system).stream().map(Target::name).toList());
        var e = assertThrows(java.util.ServiceConfigurationError.class, () -> Main.providers(Appliance.class, "no.such.Appliance", system));
        assertTrue(e.getMessage().contains("no.such.Appliance"), e.getMessage());
        assertThrows(java.util.ServiceConfigurationError.class, () -> Main.providers(Appliance.class, String.class.getName(), system));
    }

    static int main(ByteArrayOutputStream err, String... argv) {
        return Main.run(argv, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
    }

    @Test void unknownTargetListsTheKnownOnes() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(64, main(err, "nosuch", "--port=1"));
        assertEquals("morgana: unknown target 'nosuch' (known targets: test)\n", err.toString());
    }

    @Test void noApplianceOnTheClassPathExits78() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(78, main(err, "test"));
        assertTrue(err.toString().startsWith("morgana: no appliance on the class path"), err.toString());
    }

    @Test void noTargetIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(64, main(err));
        assertTrue(err.toString().contains("usage: java -cp CLASSPATH io.morgana.runtime.Main TARGET"), err.toString());
    }
}
