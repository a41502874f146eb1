package io.morgana.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Arg;
import io.morgana.api.Device;
import io.morgana.api.Manifest;
import io.morgana.api.Stack;
import io.morgana.runtime.Boot;
import io.morgana.runtime.BootException;
import io.morgana.runtime.Target;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tool's checks of a target against a manifest, with a target that lacks block devices. */
class TargetsTest {

    /** A target as a module would register it; only its declarations matter here. */
    static final class NoBlocks implements Target {
        @Override public String name() { return "tap"; }
        @Override public String summary() { return "test double of a target without block devices"; }
        @Override public String requirements() { return "nothing"; }
        @Override public Set<Device.Kind> provides() { return EnumSet.of(Device.Kind.STACK, Device.Kind.KV_RO); }
        @Override public List<Arg<?>> args() { return List.of(Arg.string("interface-x", "tap0", "an interface")); }
        @Override public Stack openStack(Boot boot) throws BootException { throw new BootException(BootException.UNAVAILABLE, "not here"); }
    }

    final Targets targets = Targets.of(List.of(new NoBlocks()));

    @Test
    void aDeviceTheTargetCannotProvideIsNamedWithTheTarget() throws ToolException {
        Manifest m = Manifest.builder("disky").needs(Device.stack(), Device.block("disk", "the data")).build();
        ToolException e = assertThrows(ToolException.class, () -> Targets.checkDevices(m, targets.usable("tap")));
        assertEquals(ToolException.UNAVAILABLE, e.exitStatus());
        assertTrue(e.getMessage().contains("declares block device 'disk', which target 'tap' cannot provide"), e.getMessage());
        assertTrue(e.getMessage().contains("it provides: network stack, read-only key-value store"), e.getMessage());
        assertTrue(e.getMessage().contains("morgana targets"), e.getMessage());

        Targets.checkDevices(Manifest.builder("fine").needs(Device.stack()).build(), targets.usable("tap"));
    }

    @Test
    void plannedTargetsAreListedAsNotBuiltAndUnknownOnesAreRefused() throws ToolException {
        assertEquals(List.of("unix", "tap", "spt", "vm", "oci"), targets.all().stream().map(Targets.Info::name).toList());
        assertEquals("exists", targets.named("tap").status());
        assertEquals("not built yet", targets.named("unix").status());
        ToolException notBuilt = assertThrows(ToolException.class, () -> targets.usable("oci"));
        assertEquals(ToolException.UNAVAILABLE, notBuilt.exitStatus());
        assertTrue(notBuilt.getMessage().contains("Targets that exist: tap."), notBuilt.getMessage());
        ToolException unknown = assertThrows(ToolException.class, () -> targets.named("xen"));
        assertEquals(ToolException.USAGE, unknown.exitStatus());
    }

    @Test
    void describeMarksWhatTheTargetCannotProvideAndShowsItsArguments() throws ToolException {
        Manifest m = Manifest.builder("disky").summary("keeps data").needs(Device.block("disk", "the data"))
                .arg(Arg.integer("copies", 2, 1, 9, "how many")).build();
        String text = Describer.text(m, "app.Disky", targets.named("tap"));
        assertTrue(text.contains("[tap cannot provide it]"), text);
        assertTrue(text.matches("(?s).*  Target \\(tap\\)\n    --interface-x=TEXT +an interface \\(default tap0\\).*"), text);
        assertTrue(text.matches("(?s).*  Appliance \\(disky\\)\n    --copies=N +how many \\(default 2\\).*"), text);
        assertTrue(text.matches("(?s).*  Devices \\(disky's stores\\)\n    --disk=FILE +host file backing the block device 'disk'.*\\(required\\).*"), text);
        String dot = Describer.dot(m, "app.Disky", targets.named("tap"));
        assertTrue(dot.contains("\"device:block:disk\" -> target [label=\"NOT provided by\", color=red"), dot);
    }

    @Test
    void newRefusesNamesAnApplianceCannotHave() {
        for (String bad : List.of("Demo", "9lives", "a_b", "-x", "x-", "a--b", "")) {
            ToolException e = assertThrows(ToolException.class, () -> Template.files(bad, "1"), bad);
            assertEquals(ToolException.USAGE, e.exitStatus());
        }
        assertEquals("MyServiceAppliance", Template.className("my-service"));
        assertEquals("app.myservice", Template.packageName("my-service"));
    }
}
